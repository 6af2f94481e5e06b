using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Hotel.Cdc;
using Hotel.LocalInfra;
using Hotel.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Xunit.Abstractions;

namespace Hotel.Eventing.Tests;

/// <summary>WAL retention (heartbeats, slot listing and dropping) and a new slot's republish surviving a kill.</summary>
[Collection(nameof(InfraCollection))]
public sealed class RelayWalTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly ILoggerFactory _logs = TestOutputLoggerProvider.Factory(output);

    [Fact]
    public async Task A_quiet_outbox_slot_advances_on_heartbeats_while_another_database_writes_wal()
    {
        var quiet = await infra.NewDatabaseAsync("relay_quiet");
        await (await RelayOutboxDbContext.CreateAsync(quiet)).DisposeAsync();
        var busy = await infra.NewDatabaseAsync("relay_busy");
        var slot = SlotName(quiet);
        await using var relay = await RunningRelay.StartAsync(quiet, infra.BootstrapServers, _logs,
            new OutboxRelayOptions { LagReportInterval = TimeSpan.FromMilliseconds(100), HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        await Eventually.WaitAsync(async () => await ScalarAsync(quiet, "SELECT active FROM pg_replication_slots WHERE slot_name = $1", slot) is true,
            Deadline, "the relay to read its slot");

        await ExecuteAsync(busy, "CREATE TABLE filler (id int, padding text)");
        await ExecuteAsync(busy, "INSERT INTO filler SELECT i, repeat('x', 200) FROM generate_series(1, 20000) i");
        var written = (NpgsqlLogSequenceNumber)(await ScalarAsync(busy, "SELECT pg_current_wal_lsn()"))!;

        // Nothing was committed to the quiet outbox: only the relay's own heartbeats can move its slot past that WAL.
        await Eventually.WaitAsync(
            async () => (NpgsqlLogSequenceNumber?)await ScalarAsync(quiet, "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1", slot),
            confirmed => confirmed >= written, Deadline, $"the quiet slot's confirmed_flush_lsn to pass {written}");
    }

    [Fact]
    public async Task A_relay_killed_mid_republish_of_a_new_slot_republishes_the_whole_archive_on_restart()
    {
        using var broker = EmbeddedKafka.Start(); // its own broker: the test takes a partition's leader away
        const string topic = "room.events";
        broker.CreateTopic(topic, 4);
        var cs = await infra.NewDatabaseAsync("relay_republish_kill");
        var rooms = Enumerable.Range(0, 16).Select(i => $"archived-{i}").ToArray();
        // Committed before any slot exists: only the new slot's republish brings these to Kafka.
        var archive = (await OutboxWriter.WriteAsync(cs, Enumerable.Range(1, 25).SelectMany(seq => rooms.Select(r => (r, seq))), perTransaction: 40))
            .Select(id => id.ToString()).ToHashSet();

        // Partition 0 has no leader: its share of the republish cannot be acked, the others' lands.
        broker.SetPartitionLeader(topic, 0, -1);
        string[] relayArgs = ["relay", "--database", cs, "--bootstrap-servers", broker.BootstrapServers];
        var relay = ChildProcess.StartDotnet("hotel.dll", relayArgs);
        try
        {
            await Eventually.WaitAsync(async () => MessagesHeld(broker.BootstrapServers, topic, partitions: [1, 2, 3]) > 0
                && await RepublishPendingAsync(cs), Deadline,
                "part of the archive on the broker while the republish is still pending");
            Assert.NotNull(await ScalarAsync(cs, "SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", SlotName(cs)));
            relay.Kill(); // SIGKILL: slot and marker stay, the topic holds part of the archive
        }
        finally
        {
            await relay.DisposeAsync();
            output.WriteLine(relay.Output);
        }

        broker.SetPartitionLeader(topic, 0, 1);
        await using var restarted = await RunningRelay.StartAsync(cs, broker.BootstrapServers, _logs);
        var messages = TopicReader.ReadUntil(broker.BootstrapServers, topic, m => archive.IsSubsetOf(m.Select(x => x.Header("id") ?? "")), Deadline);
        Assert.Contains(messages, m => m.Partition == 0); // the part the killed relay never delivered
        await Eventually.WaitAsync(async () => !await RepublishPendingAsync(cs), Deadline,
            "the republish marker to be cleared once Kafka acked the whole archive");
    }

    [Fact]
    public async Task The_slots_command_lists_slots_with_their_wal_and_drops_an_inactive_one_but_refuses_an_active_one()
    {
        var cs = await infra.NewDatabaseAsync("slots_cli");
        await (await RelayOutboxDbContext.CreateAsync(cs)).DisposeAsync();
        var active = SlotName(cs);
        var forgotten = "forgotten_" + Guid.NewGuid().ToString("N")[..8];
        await ScalarAsync(cs, "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", forgotten);
        await using var relay = await RunningRelay.StartAsync(cs, infra.BootstrapServers, _logs);
        // Streaming, not just created: the slot is also active for a moment while the relay creates it, before the
        // archive's republish and the stream.
        await Eventually.WaitAsync(async () => !await RepublishPendingAsync(cs)
                && await ScalarAsync(cs, "SELECT active FROM pg_replication_slots WHERE slot_name = $1", active) is true,
            Deadline, "the relay to stream from its slot");
        var admin = infra.Postgres.AdminConnectionString;

        var (code, listed, _) = await SlotsAsync(["list", "--postgres", admin]);
        Assert.Equal(0, code);
        var activeLine = listed.Split('\n').Single(l => l.StartsWith(active + " ", StringComparison.Ordinal));
        var forgottenLine = listed.Split('\n').Single(l => l.StartsWith(forgotten + " ", StringComparison.Ordinal));
        Assert.Contains("active (pid", activeLine);
        Assert.Contains(" none ", forgottenLine);
        Assert.Matches(@"\d+(\.\d)? (B|KiB|MiB|GiB)", forgottenLine); // the WAL it retains

        var (refused, _, why) = await SlotsAsync(["drop", active, "--postgres", admin]);
        Assert.Equal(1, refused);
        Assert.Contains("is active", why);
        Assert.NotNull(await ScalarAsync(cs, "SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", active));

        var (dropped, said, _) = await SlotsAsync(["drop", forgotten, "--postgres", admin]);
        Assert.Equal(0, dropped);
        Assert.Contains($"dropped replication slot {forgotten}", said);
        Assert.Null(await ScalarAsync(cs, "SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", forgotten));

        var (missing, _, none) = await SlotsAsync(["drop", forgotten, "--postgres", admin]);
        Assert.Equal(1, missing);
        Assert.Contains($"no replication slot {forgotten}", none);
    }

    [Fact]
    public async Task A_slot_no_reader_uses_is_reported_with_the_wal_it_retains_and_retained_wal_is_a_metric_per_slot()
    {
        var cs = await infra.NewDatabaseAsync("stale_slot");
        await (await RelayOutboxDbContext.CreateAsync(cs)).DisposeAsync();
        var forgotten = "stale_" + Guid.NewGuid().ToString("N")[..8];
        await ScalarAsync(cs, "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", forgotten);
        var warnings = new WarningCollector();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(warnings).AddProvider(new TestOutputLoggerProvider(output)));
        var retained = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Hotel" && instrument.Name == "hotel.relay.slot.retained_wal") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "slot") retained[(string)tag.Value!] = value;
        });
        listener.Start();

        await using var relay = await RunningRelay.StartAsync(cs, infra.BootstrapServers, loggers,
            new OutboxRelayOptions { SlotCheckInterval = TimeSpan.FromMilliseconds(100), StaleSlotAfter = TimeSpan.FromMilliseconds(300) });

        var warning = await Eventually.WaitAsync(() => Task.FromResult(warnings.Lines.FirstOrDefault(l => l.Contains(forgotten, StringComparison.Ordinal))),
            line => line is not null, Deadline, $"a warning about slot {forgotten}");
        Assert.Matches(@"retains \d+ bytes of WAL", warning);
        await Eventually.WaitAsync(() =>
        {
            listener.RecordObservableInstruments();
            return Task.FromResult(retained.TryGetValue(forgotten, out var bytes) && bytes > 0);
        }, Deadline, $"hotel.relay.slot.retained_wal for {forgotten}");
        await ScalarAsync(cs, "SELECT pg_drop_replication_slot($1)", forgotten);
    }

    /// <summary>Keeps the warnings components log, for tests that assert on them.</summary>
    private sealed class WarningCollector : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
        public IReadOnlyList<string> Lines => _lines.ToArray();
        public ILogger CreateLogger(string categoryName) => new Logger(_lines);
        public void Dispose() { }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) lines.Enqueue(formatter(state, exception));
            }
        }
    }

    /// <summary><c>./hotel slots …</c>, through the script; output and errors together, in both places of the tuple.</summary>
    private static async Task<(int Code, string Output, string Error)> SlotsAsync(string[] args)
    {
        await using var cli = ChildProcess.StartHotel(["slots", .. args]);
        var code = await cli.ExitCodeAsync(TimeSpan.FromSeconds(60));
        return (code, cli.Output, cli.Output);
    }

    /// <summary>The relay's durable marker (its table appears with the relay's first start).</summary>
    private static async Task<bool> RepublishPendingAsync(string cs) =>
        await ScalarAsync(cs, "SELECT to_regclass('relay_pending_republish') IS NOT NULL") is true
        && await ScalarAsync(cs, "SELECT count(*) FROM relay_pending_republish") is > 0L;

    private static string SlotName(string cs) => "hotel_outbox_" + new NpgsqlConnectionStringBuilder(cs).Database!.ToLowerInvariant();

    private static long MessagesHeld(string bootstrapServers, string topic, int[] partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "test-watermarks" })
            .SetLogHandler((_, _) => { }).Build();
        return partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value);
    }

    private static async Task ExecuteAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string cs, string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var result = await cmd.ExecuteScalarAsync();
        return result is DBNull ? null : result;
    }
}
