using System.Text.Json;
using System.Text.Json.Nodes;
using Hotel.Eventing.Outbox;
using Hotel.LocalInfra;
using Hotel.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Hotel.Eventing.Tests;

[CollectionDefinition(nameof(InfraCollection))]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>;

[Collection(nameof(InfraCollection))]
public sealed class RelayTests(InfraFixture infra, ITestOutputHelper output)
{
    private readonly ILoggerFactory _logs = TestOutputLoggerProvider.Factory(output);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Relays_an_outbox_row_exactly_as_the_outbox_event_router_emits_it()
    {
        var cs = await infra.NewDatabaseAsync("relay_format");
        await using var db = await RelayOutboxDbContext.CreateAsync(cs);
        var traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var payload = """{"bookingId":"b-1","guest":{"name":"Zoë <b>"},"version":1}""";
        var row = new OutboxMessage
        {
            Id = Guid.NewGuid(),
            AggregateType = "fmt" + Guid.NewGuid().ToString("N")[..6],
            AggregateId = "b-1",
            Type = "BookingPlaced",
            Payload = payload,
            Timestamp = DateTimeOffset.UtcNow,
            TracingSpanContext = traceparent,
        };
        db.Add(row);
        await db.SaveChangesAsync();

        await using var relay = await RunningRelay.StartAsync(cs, infra.BootstrapServers, _logs);
        var message = TopicReader.ReadUntil(infra.BootstrapServers, row.AggregateType + ".events", m => m.Count >= 1, Deadline).Single();

        Assert.Equal("b-1", message.Key);
        // jsonb normalises key order and spacing, for Debezium as for the relay: compare as JSON.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(payload), JsonNode.Parse(message.Value!)), message.Value);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(message.Value!).RootElement.ValueKind); // expanded, not a JSON string
        Assert.Equal(row.Id.ToString(), message.Header("id"));
        Assert.Equal("BookingPlaced", message.Header("eventType"));
        Assert.Equal(traceparent, message.Header("traceparent"));
        Assert.Equal(["eventType", "id", "traceparent"], message.Headers.Keys.Order().ToArray());
    }

    [Fact]
    public async Task Creates_publication_and_slot_idempotently_and_prunes_the_archive_after_retention()
    {
        var cs = await infra.NewDatabaseAsync("relay_prune");
        await OutboxWriter.WriteAsync(cs, [("r1", 1)]);
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var old = new NpgsqlCommand("UPDATE outbox SET timestamp = now() - interval '8 days'", conn);
            await old.ExecuteNonQueryAsync();
        }
        await OutboxWriter.WriteAsync(cs, [("r1", 2)]);

        for (var run = 0; run < 2; run++) // the second start finds publication and slot in place
        {
            await using var relay = await RunningRelay.StartAsync(cs, infra.BootstrapServers, _logs, options: new() { RetentionDays = 7 });
            await Eventually.WaitAsync(async () => await CountAsync(cs, "SELECT count(*) FROM outbox") == 1, Deadline, "the 8-day-old outbox row to be pruned");
        }
        Assert.Equal(1, await CountAsync(cs, "SELECT count(*) FROM pg_publication WHERE pubname = 'hotel_outbox'"));
        Assert.Equal(1, await CountAsync(cs, $"SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"));
    }

    [Fact]
    public async Task Restarted_mid_stream_every_committed_event_arrives_in_commit_order_per_key()
    {
        var cs = await infra.NewDatabaseAsync("relay_restart");
        var rooms = Enumerable.Range(0, 8).Select(i => $"room-{Guid.NewGuid().ToString("N")[..6]}-{i}").ToArray();
        var events = Enumerable.Range(1, 150).SelectMany(seq => rooms.Select(r => (r, seq))).ToList(); // 1,200 events
        var topic = "room.events";

        var relay = await RunningRelay.StartAsync(cs, infra.BootstrapServers, _logs);
        var writing = OutboxWriter.WriteAsync(cs, events, perTransaction: 3);
        TopicReader.ReadUntil(infra.BootstrapServers, topic, m => m.Count(x => rooms.Contains(x.Key)) >= 200, Deadline);
        await relay.DisposeAsync(); // clean stop while the writer is still committing
        relay = await RunningRelay.StartAsync(cs, infra.BootstrapServers, _logs);
        var ids = (await writing).Select(id => id.ToString()).ToList();
        try
        {
            var messages = TopicReader.ReadUntil(infra.BootstrapServers, topic,
                m => ids.All(new HashSet<string?>(m.Select(x => x.Header("id"))).Contains), Deadline);
            AssertCommitOrderPerKey(messages.Where(m => rooms.Contains(m.Key)), rooms, 150);
        }
        finally { await relay.DisposeAsync(); }
    }

    [Fact]
    public async Task A_clean_stop_confirms_what_was_relayed_so_a_restart_sends_nothing_again()
    {
        var cs = await infra.NewDatabaseAsync("relay_clean_stop");
        var room = "clean-" + Guid.NewGuid().ToString("N")[..8];
        var relay = await RunningRelay.StartAsync(cs, infra.BootstrapServers, _logs);
        // A row written while a new slot is being created may come twice (republished and streamed); wait that out.
        var warmUp = (await OutboxWriter.WriteAsync(cs, [(room, 0)])).Single().ToString();
        TopicReader.ReadUntil(infra.BootstrapServers, "room.events", m => m.Any(x => x.Header("id") == warmUp), Deadline);
        var ids = (await OutboxWriter.WriteAsync(cs, Enumerable.Range(1, 60).Select(seq => (room, seq)), perTransaction: 3)).Select(id => id.ToString()).ToList();
        TopicReader.ReadUntil(infra.BootstrapServers, "room.events", m => ids.All(new HashSet<string?>(m.Select(x => x.Header("id"))).Contains), Deadline);
        await relay.DisposeAsync();

        await using var restarted = await RunningRelay.StartAsync(cs, infra.BootstrapServers, _logs);
        var sentinel = (await OutboxWriter.WriteAsync(cs, [(room, 61)])).Single().ToString();
        ids.Add(sentinel);
        var messages = TopicReader.ReadUntil(infra.BootstrapServers, "room.events", m => m.Any(x => x.Header("id") == sentinel), Deadline)
            .Where(m => ids.Contains(m.Header("id")!)).ToList();

        Assert.Equal(61, messages.Count); // each once: the restart resumed exactly after the last confirmed transaction
        Assert.Equal(61, messages.Select(m => m.Header("id")).Distinct().Count());
    }

    /// <summary>Per key, first occurrences come in sequence order; redelivered duplicates may follow.</summary>
    internal static void AssertCommitOrderPerKey(IEnumerable<ReadMessage> messages, string[] keys, int perKey)
    {
        foreach (var group in messages.GroupBy(m => m.Key))
        {
            var seen = new HashSet<string?>();
            var firsts = group.OrderBy(m => m.Offset).Where(m => seen.Add(m.Header("id"))).Select(m => OutboxWriter.Sequence(m.Value)).ToList();
            Assert.Equal(Enumerable.Range(1, perKey), firsts);
        }
        Assert.Equal(keys.Length, messages.Select(m => m.Key).Distinct().Count());
    }

    private static async Task<long> CountAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}

[Collection(nameof(InfraCollection))]
public sealed class RelayCrashTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly ILoggerFactory _logs = TestOutputLoggerProvider.Factory(output);

    [Fact]
    public async Task Relay_killed_without_a_clean_stop_resumes_from_its_slot_with_nothing_lost_and_order_kept_per_key()
    {
        var cs = await infra.NewDatabaseAsync("relay_kill");
        await RelayOutboxDbContext.CreateAsync(cs);
        var rooms = Enumerable.Range(0, 6).Select(i => $"kill-{Guid.NewGuid().ToString("N")[..6]}-{i}").ToArray();
        var events = Enumerable.Range(1, 200).SelectMany(seq => rooms.Select(r => (r, seq))).ToList(); // 1,200 events
        string[] relayArgs = ["relay", "--database", cs, "--bootstrap-servers", infra.BootstrapServers];

        var relay = ChildProcess.StartDotnet("hotel.dll", relayArgs);
        var writing = OutboxWriter.WriteAsync(cs, events, perTransaction: 2);
        try
        {
            TopicReader.ReadUntil(infra.BootstrapServers, "room.events", m => m.Count(x => rooms.Contains(x.Key)) >= 150, Deadline);
            relay.Kill(); // SIGKILL mid-stream: no final status update, in-flight messages unconfirmed
            output.WriteLine(relay.Output);
            relay = ChildProcess.StartDotnet("hotel.dll", relayArgs);
            var ids = (await writing).Select(id => id.ToString()).ToHashSet();

            var messages = TopicReader.ReadUntil(infra.BootstrapServers, "room.events",
                m => ids.IsSubsetOf(m.Select(x => x.Header("id") ?? "")), Deadline);
            RelayTests.AssertCommitOrderPerKey(messages.Where(m => rooms.Contains(m.Key)), rooms, 200);
        }
        finally
        {
            await relay.DisposeAsync();
            output.WriteLine(relay.Output);
        }
    }

    [Theory]
    [InlineData(2)]  // SIGINT: Ctrl+C
    [InlineData(15)] // SIGTERM: how ./hotel run stops it
    public async Task Relay_started_through_the_script_stops_cleanly_on_a_signal(int signal)
    {
        var cs = await infra.NewDatabaseAsync($"relay_signal_{signal}");
        await RelayOutboxDbContext.CreateAsync(cs);
        await using var relay = ChildProcess.StartHotel(["relay", "--database", cs, "--bootstrap-servers", infra.BootstrapServers]);
        await Eventually.WaitAsync(() => Task.FromResult(relay.Output.Contains("Relay started") || relay.HasExited), Deadline, "the relay to start");
        Assert.False(relay.HasExited, relay.Output);

        relay.Signal(signal);
        var code = await relay.ExitCodeAsync(TimeSpan.FromSeconds(30)); // a relay that ignored it would run on: a timeout
        output.WriteLine(relay.Output);

        Assert.Equal(0, code);
        Assert.Contains("stopping", relay.Output);
    }

    [Fact]
    public async Task Broker_and_relay_lost_together_the_archive_is_republished_to_the_fresh_broker()
    {
        var cs = await infra.NewDatabaseAsync("relay_broker_loss");
        var firstBroker = EmbeddedKafka.Start();
        var rooms = Enumerable.Range(0, 4).Select(i => $"loss-{i}").ToArray();
        var relay = await RunningRelay.StartAsync(cs, firstBroker.BootstrapServers, _logs);
        var firstIds = await OutboxWriter.WriteAsync(cs, Enumerable.Range(1, 50).SelectMany(seq => rooms.Select(r => (r, seq))), perTransaction: 4);
        TopicReader.ReadUntil(firstBroker.BootstrapServers, "room.events", m => m.Count >= firstIds.Count, Deadline);

        // Everything the first broker held is gone with it: the slot alone would not bring it back.
        await relay.DisposeAsync();
        firstBroker.Dispose();

        using var secondBroker = EmbeddedKafka.Start();
        await using var secondRelay = await RunningRelay.StartAsync(cs, secondBroker.BootstrapServers, _logs);
        var laterIds = await OutboxWriter.WriteAsync(cs, Enumerable.Range(51, 50).SelectMany(seq => rooms.Select(r => (r, seq))), perTransaction: 4);
        var all = firstIds.Concat(laterIds).Select(id => id.ToString()).ToHashSet();

        var messages = TopicReader.ReadUntil(secondBroker.BootstrapServers, "room.events", m => all.IsSubsetOf(m.Select(x => x.Header("id") ?? "")), Deadline);
        RelayTests.AssertCommitOrderPerKey(messages, rooms, 100);
        Assert.Equal(all.Count, messages.Select(m => m.Header("id")).Distinct().Count());
    }
}
