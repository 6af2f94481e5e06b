using Hotel.Eventing.Inbox;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Hotel.Eventing.Tests;

/// <summary>The consumer host applies what it has fetched in batches: each partition's run in offset order, in a few lanes of one transaction each.</summary>
[Collection(ConsumingCollection.Name)]
public sealed class BatchingTests(InfraFixture infra, ITestOutputHelper output)
{
    private static string Sequence(int from, int to) => string.Join(",", Enumerable.Range(from, to - from + 1));

    [Fact]
    public async Task Events_fetched_together_commit_in_one_transaction_and_duplicates_within_and_across_batches_are_applied_once()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        var ids = Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7()).ToList();
        var backlog = new List<(string, int, Guid)>();
        for (var nights = 1; nights <= 50; nights++)
        {
            backlog.Add(("room-a", nights, ids[nights - 1]));
            if (nights is 10 or 30) backlog.Add(("room-a", 5, ids[4])); // copies of the 5th, inside the backlog
        }
        bed.ProduceBookedMany(backlog);

        await bed.StartHostAsync();
        await bed.WaitAppliedAsync("room-a", 50);
        var room = await bed.RoomAsync("room-a");
        Assert.Equal(Sequence(1, 50), room!.History);
        await using (var db = bed.NewDb())
        {
            var transactions = await db.Set<InboxMessage>().Select(m => m.ProcessedAt).Distinct().CountAsync();
            output.WriteLine($"52 messages applied in {transactions} transaction(s)");
            Assert.InRange(transactions, 1, 5); // not one per message
        }

        // Copies of the first and last event in later batches, then a new one.
        await bed.ProduceBookedAsync("room-a", "room-a", ids[0], nights: 1);
        await bed.ProduceBookedAsync("room-a", "room-a", ids[^1], nights: 50);
        await bed.ProduceBookedAsync("room-a", "room-a", nights: 51);
        await bed.WaitAppliedAsync("room-a", 51);
        Assert.Equal(Sequence(1, 51), (await bed.RoomAsync("room-a"))!.History);
        await using (var db = bed.NewDb())
            Assert.Equal(51, await db.Set<InboxMessage>().CountAsync());
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task Events_of_several_partitions_fetched_together_share_a_transaction_per_lane()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 8);
        var partitions = new HashSet<int>();
        for (var r = 0; r < 16; r++)
            partitions.Add((await bed.ProduceRawAsync($"room-{r}", "RoomBooked", ConsumingTestBed.Payload($"room-{r}"), Guid.CreateVersion7().ToString())).Partition.Value);

        await bed.StartHostAsync(o => o.MaxConcurrentPartitions = 1); // one lane: every partition's run in one transaction
        for (var r = 0; r < 16; r++) await bed.WaitAppliedAsync($"room-{r}", 1);

        await using var db = bed.NewDb();
        var transactions = await db.Set<InboxMessage>().Select(m => m.ProcessedAt).Distinct().CountAsync();
        output.WriteLine($"16 messages on {partitions.Count} partitions applied in {transactions} transaction(s)");
        Assert.True(partitions.Count >= 4, $"the keys spread over {partitions.Count} partitions only");
        Assert.InRange(transactions, 1, partitions.Count - 1); // not one per partition
    }

    [Fact]
    public async Task Two_events_of_one_room_in_one_batch_end_as_if_applied_one_by_one()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        // The first creates the row; the second finds it only if the first was saved before it ran.
        bed.ProduceBookedMany([("room-c", 1), ("room-c", 2)]);

        await bed.StartHostAsync();
        await bed.WaitAppliedAsync("room-c", 2);

        var room = await bed.RoomAsync("room-c");
        Assert.Equal(2, room!.Applied);
        Assert.Equal("1,2", room.History);
        await using var db = bed.NewDb();
        var processedAt = await db.Set<InboxMessage>().Select(m => m.ProcessedAt).ToListAsync();
        Assert.Equal(2, processedAt.Count);
        Assert.Single(processedAt.Distinct()); // one transaction: the batch did not fail over to one-by-one
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task Poison_message_in_the_middle_of_a_batch_is_dead_lettered_alone_and_the_others_are_applied_once_in_order()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        var poisonRoom = "poison-" + Guid.NewGuid().ToString("N")[..8];
        RoomBookedHandler.Broken[poisonRoom] = true;
        try
        {
            var poisonId = Guid.CreateVersion7();
            var backlog = Enumerable.Range(1, 20).Select(nights => ("room-b", nights, Guid.CreateVersion7())).ToList();
            backlog.Insert(10, (poisonRoom, 1, poisonId)); // same partition (one), between the 10th and the 11th
            bed.ProduceBookedMany(backlog);

            await bed.StartHostAsync();
            await bed.WaitAppliedAsync("room-b", 20);

            Assert.Equal(Sequence(1, 20), (await bed.RoomAsync("room-b"))!.History);
            var letter = Assert.Single(await Eventually.WaitAsync(bed.DeadLettersAsync, l => l.Count > 0, ConsumingTestBed.Deadline, "the dead letter"));
            Assert.Equal(poisonId, letter.EventId);
            Assert.Equal(3, letter.Attempts);
            Assert.Null(await bed.RoomAsync(poisonRoom));
            await using var db = bed.NewDb();
            Assert.Equal(20, await db.Set<InboxMessage>().CountAsync());
            Assert.False(await db.Set<InboxMessage>().AnyAsync(m => m.EventId == poisonId));
        }
        finally
        {
            RoomBookedHandler.Broken.TryRemove(poisonRoom, out _);
        }
    }

    [Fact]
    public async Task Consumer_process_killed_mid_batch_reapplies_nothing_and_loses_nothing()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 4);
        const int rooms = 80, perRoom = 100, total = rooms * perRoom;
        bed.ProduceBookedMany(Enumerable.Range(1, perRoom).SelectMany(nights => Enumerable.Range(0, rooms).Select(r => ($"room-{r}", nights))));
        string[] args = [$"--Kafka:BootstrapServers={infra.BootstrapServers}", $"--ConnectionString={bed.ConnectionString}", $"--GroupId={bed.GroupId}", $"--Topic={bed.Topic}"];

        // The killed member's partitions wait out its session before the restarted one gets them.
        infra.Kafka.SetConsumerSessionTimeout(TimeSpan.FromSeconds(10));
        try
        {
            var first = ChildProcess.StartDotnet("Hotel.Eventing.TestConsumer.dll", args);
            int appliedAtKill;
            try
            {
                await Eventually.WaitAsync(() => InboxCountAsync(bed), n => n >= 500, TimeSpan.FromSeconds(60), "500 events applied");
            }
            finally
            {
                first.Kill(); // SIGKILL, most likely inside a batch's transaction: no offset commit, no clean-up
                appliedAtKill = await InboxCountAsync(bed);
                output.WriteLine(first.Output);
                await first.DisposeAsync();
            }
            output.WriteLine($"killed with {appliedAtKill} of {total} applied");
            Assert.True(appliedAtKill < total, "the consumer was killed before it finished");

            await using var second = ChildProcess.StartDotnet("Hotel.Eventing.TestConsumer.dll", args);
            await Eventually.WaitAsync(() => InboxCountAsync(bed), n => n >= total, TimeSpan.FromSeconds(120), $"{total} events applied");

            await using var db = bed.NewDb();
            var counts = await db.RoomCounts.AsNoTracking().ToListAsync();
            Assert.Equal(rooms, counts.Count);
            Assert.All(counts, c => Assert.Equal(Sequence(1, perRoom), c.History)); // each once, in order
            Assert.Equal(total, await db.Set<InboxMessage>().CountAsync());
            Assert.Empty(await bed.DeadLettersAsync());
        }
        finally
        {
            infra.Kafka.SetConsumerSessionTimeout(TimeSpan.FromSeconds(30)); // the mock's default again
        }
    }

    private static async Task<int> InboxCountAsync(ConsumingTestBed bed)
    {
        await using var db = bed.NewDb();
        return await db.Set<InboxMessage>().CountAsync();
    }
}
