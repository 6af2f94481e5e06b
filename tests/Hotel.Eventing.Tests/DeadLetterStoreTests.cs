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
}
