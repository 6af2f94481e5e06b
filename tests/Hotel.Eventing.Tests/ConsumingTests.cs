using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Eventing.DeadLetters;
using Hotel.Eventing.Inbox;
using Hotel.Eventing.Kafka;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Hotel.Eventing.Tests;

[Collection(ConsumingCollection.Name)]
public sealed class ConsumingTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task Typed_event_is_applied_and_its_id_recorded_in_the_inbox()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        await bed.StartHostAsync();

        var id = await bed.ProduceBookedAsync("hotel-1", "room-101");

        await bed.WaitAppliedAsync("room-101", 1);
        await using var db = bed.NewDb();
        var inbox = await db.Set<InboxMessage>().SingleAsync();
        Assert.Equal(id, inbox.EventId);
        Assert.Equal("RoomBooked", inbox.EventType);
        Assert.Equal(bed.Topic, inbox.Topic);
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task Redelivered_event_is_applied_once()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        await bed.StartHostAsync();

        var id = Guid.CreateVersion7();
        for (var i = 0; i < 3; i++) await bed.ProduceBookedAsync("hotel-1", "room-7", id);
        await bed.ProduceBookedAsync("hotel-1", "room-7"); // same key, so after the copies on the same partition

        await bed.WaitAppliedAsync("room-7", 2);
        Assert.Equal(2, await bed.AppliedAsync("room-7")); // once for the thrice-produced event, once for the last
        await using var db = bed.NewDb();
        Assert.Equal(2, await db.Set<InboxMessage>().CountAsync());
    }

    [Fact]
    public async Task Unknown_event_types_and_unknown_fields_are_tolerated()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        await bed.StartHostAsync();
        const string key = "hotel-9";

        // A type this service has no handler for (its payload is not even JSON: never looked at).
        await bed.ProduceRawAsync(key, "GuestTeleported", "<not json>", Guid.CreateVersion7().ToString());
        // A newer version with fields this consumer does not know, and JSON-quoted header values (some Debezium converters).
        var payload = """{"roomId":"room-9","nights":2,"version":2,"occurredAt":"2030-01-01T00:00:00Z","loyaltyTier":"gold","extra":{"a":[1,2,3]}}""";
        var quotedId = Guid.CreateVersion7();
        await bed.ProduceRawAsync(key, "\"RoomBooked\"", payload, $"\"{quotedId}\"");
        // And a plain one after them.
        await bed.ProduceBookedAsync(key, "room-9");

        await bed.WaitAppliedAsync("room-9", 2);
        Assert.Equal(2, await bed.AppliedAsync("room-9"));
        await using var db = bed.NewDb();
        Assert.True(await db.Set<InboxMessage>().AnyAsync(m => m.EventId == quotedId));
        Assert.Equal(2, await db.Set<InboxMessage>().CountAsync());
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task A_payload_arriving_as_a_json_string_is_applied_a_string_that_holds_no_event_is_dead_lettered_saying_why_and_a_null_header_is_tolerated()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        await bed.StartHostAsync();
        const string key = "hotel-string";

        // Debezium's router emits a payload it cannot expand as a JSON string, and a null tracingspancontext as a null-valued header.
        var stringId = Guid.CreateVersion7();
        await bed.ProduceRawAsync(key, "RoomBooked", JsonSerializer.Serialize(ConsumingTestBed.Payload("room-string", 3)), stringId.ToString(),
            [(EventHeaders.TraceParent, null)]);
        var badId = Guid.CreateVersion7();
        await bed.ProduceRawAsync(key, "RoomBooked", JsonSerializer.Serialize("not an event"), badId.ToString());
        await bed.ProduceBookedAsync(key, "room-after-string"); // same partition, after both

        await bed.WaitAppliedAsync("room-after-string", 1);
        Assert.Equal("3", (await bed.RoomAsync("room-string"))?.History);
        var letter = Assert.Single(await bed.DeadLettersAsync());
        Assert.Equal(badId, letter.EventId);
        Assert.Contains("The payload is a JSON string", letter.Error);
        Assert.Equal(1, letter.Attempts);
    }

    [Fact]
    public async Task Handler_that_always_fails_is_dead_lettered_after_bounded_retries_and_the_partition_moves_on()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        var poisonRoom = "poison-" + Guid.NewGuid().ToString("N")[..8];
        RoomBookedHandler.Broken[poisonRoom] = true;
        try
        {
            await bed.StartHostAsync();
            const string key = "hotel-13";
            var poisonId = Guid.CreateVersion7();
            var payload = ConsumingTestBed.Payload(poisonRoom);
            await bed.ProduceRawAsync(key, "RoomBooked", payload, poisonId.ToString(),
                [(EventHeaders.TraceParent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]);
            await bed.ProduceBookedAsync(key, "room-after"); // same partition, after the poison

            await bed.WaitAppliedAsync("room-after", 1);
            var letter = Assert.Single(await bed.DeadLettersAsync());
            Assert.Equal(poisonId, letter.EventId);
            Assert.Equal("RoomBooked", letter.EventType);
            Assert.Equal(bed.Topic, letter.Topic);
            Assert.Equal(key, letter.Key);
            Assert.Equal(payload, letter.Value);
            Assert.Equal(3, letter.Attempts);
            Assert.Contains("System.InvalidOperationException", letter.Error);
            Assert.Contains($"Room {poisonRoom} is broken.", letter.Error);
            var storedHeaders = JsonSerializer.Deserialize<Dictionary<string, string>>(letter.Headers)!;
            Assert.Equal(poisonId.ToString(), storedHeaders[EventHeaders.Id]);
            Assert.Equal("RoomBooked", storedHeaders[EventHeaders.EventType]);
            Assert.Null(letter.ReplayedAt);

            // Nothing of the failed attempts was kept.
            Assert.Equal(0, await bed.AppliedAsync(poisonRoom));
            await using (var db = bed.NewDb())
                Assert.False(await db.Set<InboxMessage>().AnyAsync(m => m.EventId == poisonId));

            var dlq = Assert.Single(await bed.ReadTopicAsync(bed.DeadLetterTopic, 1));
            Assert.Equal(key, dlq.Message.Key);
            Assert.Equal(letter.Value, dlq.Message.Value);
            Assert.Equal(poisonId.ToString(), Header(dlq, EventHeaders.Id));
            Assert.Equal("RoomBooked", Header(dlq, EventHeaders.EventType));
            Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Header(dlq, EventHeaders.TraceParent));
            Assert.Contains("System.InvalidOperationException", Header(dlq, DeadLetterHeaders.Error));
            Assert.Equal(bed.Topic, Header(dlq, DeadLetterHeaders.SourceTopic));
            Assert.Equal(letter.Partition.ToString(), Header(dlq, DeadLetterHeaders.SourcePartition));
            Assert.Equal(letter.Offset.ToString(), Header(dlq, DeadLetterHeaders.SourceOffset));
            Assert.True(DateTimeOffset.TryParse(Header(dlq, DeadLetterHeaders.FailedAt), out _));
        }
        finally
        {
            RoomBookedHandler.Broken.TryRemove(poisonRoom, out _);
        }
    }

    [Fact]
    public async Task Invalid_json_and_a_bad_id_header_are_dead_lettered_and_the_partition_moves_on()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        await bed.StartHostAsync();
        const string key = "hotel-21";

        var badJson = await bed.ProduceRawAsync(key, "RoomBooked", "{\"roomId\": \"room-x\", ", Guid.CreateVersion7().ToString());
        var noId = await bed.ProduceRawAsync(key, "RoomBooked", ConsumingTestBed.Payload("room-y"), id: null);
        var badId = await bed.ProduceRawAsync(key, "RoomBooked", ConsumingTestBed.Payload("room-z"), id: "not-a-uuid");
        await bed.ProduceBookedAsync(key, "room-ok");

        await bed.WaitAppliedAsync("room-ok", 1);
        var letters = await Eventually.WaitAsync(bed.DeadLettersAsync, l => l.Count >= 3, ConsumingTestBed.Deadline, "three dead letters");
        Assert.Equal(3, letters.Count);
        Assert.Equal([badJson.Offset.Value, noId.Offset.Value, badId.Offset.Value], letters.Select(l => l.Offset).ToArray());
        Assert.Contains("JsonException", letters[0].Error);
        Assert.NotNull(letters[0].EventId);
        Assert.Contains("PoisonMessageException", letters[1].Error);
        Assert.Null(letters[1].EventId);
        Assert.Contains("not-a-uuid", letters[2].Error);
        Assert.All(letters, l => Assert.Equal(1, l.Attempts)); // decoding is deterministic: no retries
        Assert.Equal(0, await bed.AppliedAsync("room-x") + await bed.AppliedAsync("room-y") + await bed.AppliedAsync("room-z"));

        var dlq = await bed.ReadTopicAsync(bed.DeadLetterTopic, 3);
        Assert.Equal(letters.Select(l => l.Offset.ToString()), dlq.Select(m => Header(m, DeadLetterHeaders.SourceOffset)));
        Assert.Contains("JsonException", Header(dlq[0], DeadLetterHeaders.Error));
    }

    [Fact]
    public async Task Consumer_killed_mid_batch_and_restarted_applies_every_event_exactly_once()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        // Enough that the kill after the first 100 lands mid-way even with partitions applied concurrently.
        const int rooms = 20, perRoom = 60, total = rooms * perRoom;
        bed.ProduceBookedMany(Enumerable.Range(1, perRoom).SelectMany(nights => Enumerable.Range(0, rooms).Select(r => ($"room-{r}", nights))));

        // Commits only every 64 messages, so the kill leaves applied-but-uncommitted messages behind.
        var first = await bed.StartHostAsync(o => { o.CommitInterval = TimeSpan.FromHours(1); o.CommitBatchSize = 64; });
        var appliedBeforeKill = await Eventually.WaitAsync(() => InboxCountAsync(bed), n => n >= 100, ConsumingTestBed.Deadline, "100 events applied");
        ConsumingTestBed.ConsumerOf(first).Abort(); // no commit of stored offsets, the message in flight abandoned
        await first.StopAsync(TimeSpan.FromSeconds(10));
        first.Dispose();

        var appliedAtKill = await InboxCountAsync(bed);
        Assert.True(appliedAtKill < total, "the consumer was killed before it finished");
        var committed = CommittedCount(bed);
        Assert.True(committed <= appliedAtKill, $"committed {committed} > applied {appliedAtKill}: an offset was committed before its effect");
        output.WriteLine($"killed with {appliedAtKill} applied and {committed} committed: {appliedAtKill - committed} to be redelivered");

        await bed.StartHostAsync(); // same group
        await Eventually.WaitAsync(() => InboxCountAsync(bed), n => n >= total, ConsumingTestBed.Deadline, $"{total} events applied");

        await using var db = bed.NewDb();
        var counts = await db.RoomCounts.ToListAsync();
        Assert.Equal(rooms, counts.Count);
        Assert.All(counts, c => Assert.Equal(perRoom, c.Applied));
        Assert.Equal(total, await db.Set<InboxMessage>().CountAsync());
        Assert.True(appliedBeforeKill >= 100);
    }

    private static async Task<int> InboxCountAsync(ConsumingTestBed bed)
    {
        await using var db = bed.NewDb();
        return await db.Set<InboxMessage>().CountAsync();
    }

    /// <summary>Sum of the group's committed offsets over the topic's partitions.</summary>
    private static long CommittedCount(ConsumingTestBed bed)
    {
        var config = new KafkaOptions { BootstrapServers = bed.Infra.BootstrapServers }.ConsumerConfig(bed.GroupId, "test-inspector");
        using var inspector = new ConsumerBuilder<string?, string?>(config).Build();
        var committed = inspector.Committed(Enumerable.Range(0, 4).Select(p => new TopicPartition(bed.Topic, p)), TimeSpan.FromSeconds(10));
        return committed.Sum(c => Math.Max(0, c.Offset.Value));
    }

    internal static string? Header(ConsumeResult<string?, string?> message, string name) =>
        message.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
