using Hotel.Eventing.Consuming;
using Hotel.Eventing.DeadLetters;
using Hotel.Eventing.Inbox;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hotel.Eventing.Tests;

[Collection(ConsumingCollection.Name)]
public sealed class DeadLetterStoreTests(InfraFixture infra)
{
    [Fact]
    public async Task Lists_a_dead_letter_and_replays_it_once_the_handler_is_fixed()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        var room = "flaky-" + Guid.NewGuid().ToString("N")[..8];
        RoomBookedHandler.Broken[room] = true;
        try
        {
            await bed.StartHostAsync();
            var id = await bed.ProduceBookedAsync("hotel-5", room);
            var store = new DeadLetterStore(bed.ConnectionString);

            var listed = await Eventually.WaitAsync(() => store.ListAsync(), l => l.Count > 0, ConsumingTestBed.Deadline, "a dead letter");
            var letter = Assert.Single(listed);
            Assert.Equal(id, letter.EventId);
            Assert.Equal("RoomBooked", letter.EventType);
            Assert.Equal(bed.Topic, letter.Topic);
            Assert.Equal("hotel-5", letter.Key);
            Assert.Contains("InvalidOperationException", letter.Error);
            Assert.Null(letter.ReplayedAt);

            RoomBookedHandler.Broken.TryRemove(room, out _); // the fix
            var result = await store.ReplayAsync([letter.Id, 987_654], infra.BootstrapServers);
            Assert.Equal([letter.Id], result.Replayed);
            Assert.Equal([987_654L], result.NotFound);

            await bed.WaitAppliedAsync(room, 1);
            Assert.Empty(await store.ListAsync());
            var replayed = Assert.Single(await store.ListAsync(includeReplayed: true));
            Assert.NotNull(replayed.ReplayedAt);

            // Replaying again is harmless: the inbox already holds the event id.
            await store.ReplayAsync([letter.Id], infra.BootstrapServers);
            await bed.ProduceBookedAsync("hotel-5", "room-sentinel"); // same key: processed after the second replay
            await bed.WaitAppliedAsync("room-sentinel", 1);
            Assert.Equal(1, await bed.AppliedAsync(room));
            await using var db = bed.NewDb();
            Assert.Equal(1, await db.Set<InboxMessage>().CountAsync(m => m.EventId == id));
        }
        finally
        {
            RoomBookedHandler.Broken.TryRemove(room, out _);
        }
    }

    [Fact]
    public async Task A_replay_is_processed_only_by_the_consumer_group_that_dead_lettered_it()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        await bed.StartHostAsync();
        var forOther = "replay-other-" + Guid.NewGuid().ToString("N")[..6];
        var forUs = "replay-ours-" + Guid.NewGuid().ToString("N")[..6];

        await bed.ProduceRawAsync("k", "RoomBooked", ConsumingTestBed.Payload(forOther), Guid.NewGuid().ToString(),
            [(DeadLetterHeaders.ReplayForGroup, "some-other-service")]);
        await bed.ProduceRawAsync("k", "RoomBooked", ConsumingTestBed.Payload(forUs), Guid.NewGuid().ToString(),
            [(DeadLetterHeaders.ReplayForGroup, bed.GroupId)]);

        await bed.WaitAppliedAsync(forUs, 1); // same partition, after the other one: that one was passed by
        Assert.Equal(0, await bed.AppliedAsync(forOther));
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task A_dead_letter_records_its_consumer_group_and_its_replay_names_it()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        await bed.StartHostAsync();
        await bed.ProduceRawAsync("k", "RoomBooked", "{not json", Guid.NewGuid().ToString());
        var store = new DeadLetterStore(bed.ConnectionString);
        var letter = Assert.Single(await Eventually.WaitAsync(() => store.ListAsync(), l => l.Count > 0, ConsumingTestBed.Deadline, "a dead letter"));
        Assert.Contains(bed.GroupId, letter.Headers);

        await store.ReplayAsync([letter.Id], infra.BootstrapServers);
        var replayed = (await bed.ReadTopicAsync(bed.Topic, 2)).Last();
        Assert.Equal(bed.GroupId, MessageHeaders.GetString(replayed.Message.Headers, DeadLetterHeaders.ReplayForGroup));
        Assert.Null(MessageHeaders.GetString(replayed.Message.Headers, DeadLetterHeaders.ConsumerGroup));
    }
}
