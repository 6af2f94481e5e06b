using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hotel.Eventing.Consuming;
using Hotel.Eventing.Inbox;
using Hotel.Eventing.TestConsumer;
using Hotel.LocalInfra;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hotel.Eventing.Tests;

/// <summary>Infrastructure failures are waited out; only deterministic ones become dead letters.</summary>
[Collection(ConsumingCollection.Name)]
public sealed class TransientFailureTests(InfraFixture infra)
{
    [Fact]
    public async Task A_database_that_refuses_connections_for_a_while_dead_letters_nothing_and_every_event_is_applied_once_in_order_when_it_is_back()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 2);
        var failures = new ConcurrentQueue<long>();
        using var meters = TransientFailuresOf(bed.Topic, failures);

        await bed.StartHostAsync();
        await bed.ProduceBookedAsync("room-o", "room-o", nights: 1);
        await bed.WaitAppliedAsync("room-o", 1);

        // What a PostgreSQL restart does to its clients: their sessions end (57P01) and new ones are refused.
        await using (var outage = await DatabaseOutage.BeginAsync(infra, bed.ConnectionString))
        {
            bed.ProduceBookedMany(Enumerable.Range(2, 10).Select(nights => ("room-o", nights)));
            // More failed runs than the 3 attempts after which a deterministic failure is dead-lettered.
            await Eventually.WaitAsync(() => Task.FromResult(failures.Sum()), n => n >= 5, TimeSpan.FromSeconds(60), "five transient failures");
        }

        await Eventually.WaitAsync(() => bed.AppliedAsync("room-o"), n => n >= 11, TimeSpan.FromSeconds(60), "all 11 events applied");
        Assert.Equal(string.Join(",", Enumerable.Range(1, 11)), (await bed.RoomAsync("room-o"))!.History);
        await using var db = bed.NewDb();
        Assert.Equal(11, await db.Set<InboxMessage>().CountAsync());
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task A_row_locked_past_the_lock_timeout_makes_the_partition_wait_instead_of_dead_lettering()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        await LockTimeoutOf100MsAsync(bed);
        var failures = new ConcurrentQueue<long>();
        using var meters = TransientFailuresOf(bed.Topic, failures);
        await bed.StartHostAsync();
        await bed.ProduceBookedAsync("room-l", "room-l", nights: 1);
        await bed.WaitAppliedAsync("room-l", 1);

        // Another transaction holds the room's row: the handler's update gives up after 100 ms (55P03), a failure
        // that passes once the other transaction ends; the dead-letter table stays writable all along.
        await using (var locker = new NpgsqlConnection(bed.ConnectionString))
        {
            await locker.OpenAsync();
            await using var tx = await locker.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM room_counts WHERE room_id = 'room-l' FOR UPDATE", locker, tx))
                await lockRow.ExecuteNonQueryAsync();
            bed.ProduceBookedMany([("room-l", 2), ("room-l", 3), ("room-l", 4)]);
            await Eventually.WaitAsync(() => Task.FromResult(failures.Sum()), n => n >= 5, TimeSpan.FromSeconds(60), "five transient failures");
            await tx.RollbackAsync();
        }

        await Eventually.WaitAsync(() => bed.AppliedAsync("room-l"), n => n >= 4, TimeSpan.FromSeconds(60), "all 4 events applied");
        Assert.Equal("1,2,3,4", (await bed.RoomAsync("room-l"))!.History);
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task A_partition_waiting_out_a_lock_does_not_hold_back_another_in_the_same_transaction_lane()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 4);
        await LockTimeoutOf100MsAsync(bed);
        var (failures, stopped) = (new ConcurrentQueue<long>(), new ConcurrentQueue<int>());
        using var meters = TransientFailuresOf(bed.Topic, failures, stopped);
        await bed.StartHostAsync(o => o.MaxConcurrentPartitions = 1); // one lane: both partitions' runs in one transaction
        var partitionOf = new Dictionary<string, int>();
        foreach (var room in Enumerable.Range(0, 12).Select(i => $"room-{i}"))
            partitionOf[room] = (await bed.ProduceRawAsync(room, "RoomBooked", ConsumingTestBed.Payload(room), Guid.CreateVersion7().ToString())).Partition.Value;
        var (locked, other) = ("room-0", partitionOf.First(p => p.Value != partitionOf["room-0"]).Key);
        await bed.WaitAppliedAsync(locked, 1);
        await bed.WaitAppliedAsync(other, 1);

        await using var locker = new NpgsqlConnection(bed.ConnectionString);
        await locker.OpenAsync();
        await using var tx = await locker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM room_counts WHERE room_id = '{locked}' FOR UPDATE", locker, tx))
            await lockRow.ExecuteNonQueryAsync();
        bed.ProduceBookedMany([(locked, 2), (other, 2)]); // produced together, so that they arrive in one poll

        await bed.WaitAppliedAsync(other, 2);
        await Eventually.WaitAsync(() => Task.FromResult(failures.Sum()), n => n >= 2, TimeSpan.FromSeconds(20), "the locked room's partition waiting");
        Assert.Equal(1, await bed.AppliedAsync(locked));
        Assert.Equal([partitionOf[locked]], stopped.Distinct()); // only the locked room's partition was stopped
        await tx.RollbackAsync();
        await bed.WaitAppliedAsync(locked, 2);
        Assert.Equal("1,2", (await bed.RoomAsync(locked))!.History);
        Assert.Equal("1,2", (await bed.RoomAsync(other))!.History);
        Assert.Empty(await bed.DeadLettersAsync());
    }

    [Fact]
    public async Task A_handler_error_that_is_not_infrastructure_is_still_dead_lettered_after_its_attempts()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        var broken = "broken-" + Guid.NewGuid().ToString("N")[..8];
        RoomBookedHandler.Broken[broken] = true;
        try
        {
            await bed.StartHostAsync();
            var id = await bed.ProduceBookedAsync(broken, broken);
            await bed.ProduceBookedAsync("room-after", "room-after");
            await bed.WaitAppliedAsync("room-after", 1);
            var letter = Assert.Single(await Eventually.WaitAsync(bed.DeadLettersAsync, l => l.Count > 0, ConsumingTestBed.Deadline, "the dead letter"));
            Assert.Equal(id, letter.EventId);
            Assert.Equal(3, letter.Attempts);
        }
        finally
        {
            RoomBookedHandler.Broken.TryRemove(broken, out _);
        }
    }

    [Fact]
    public async Task Real_database_failures_are_classified_as_transient_or_not()
    {
        // Nothing listens on a free port: connection refused.
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={EmbeddedPostgres.FreeTcpPort()};Username=postgres;Timeout=2;Pooling=false");
            await conn.OpenAsync();
        });
        Assert.True(TransientFailures.IsTransient(refused), refused.ToString());

        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        await using var db = bed.NewDb();
        var syntax = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("SELEC 1"));
        Assert.False(TransientFailures.IsTransient(syntax), syntax.ToString());

        // EF Core wraps the provider's error: a unique violation is the handler's own, deterministic failure.
        db.RoomCounts.Add(new RoomCount { RoomId = "twice" });
        await db.SaveChangesAsync();
        await using var other = bed.NewDb();
        other.RoomCounts.Add(new RoomCount { RoomId = "twice" });
        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());
        Assert.False(TransientFailures.IsTransient(duplicate), duplicate.ToString());

        // A serialization failure (40001): two transactions at SERIALIZABLE that each read what the other writes.
        await using var a = new NpgsqlConnection(bed.ConnectionString);
        await using var b = new NpgsqlConnection(bed.ConnectionString);
        await a.OpenAsync();
        await b.OpenAsync();
        await using var ta = await a.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        await using var tb = await b.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        await Execute(a, ta, """SELECT count(*) FROM room_counts WHERE room_id = 'x'""");
        await Execute(b, tb, """SELECT count(*) FROM room_counts WHERE room_id = 'y'""");
        PostgresException? serialization = null;
        try
        {
            await Execute(a, ta, """INSERT INTO room_counts (room_id, applied, history) VALUES ('y', 0, '')""");
            await Execute(b, tb, """INSERT INTO room_counts (room_id, applied, history) VALUES ('x', 0, '')""");
            await ta.CommitAsync();
            await tb.CommitAsync();
        }
        catch (PostgresException e)
        {
            serialization = e;
        }
        Assert.NotNull(serialization);
        Assert.Equal(PostgresErrorCodes.SerializationFailure, serialization.SqlState);
        Assert.True(TransientFailures.IsTransient(serialization));
    }

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A statement waiting for a row lock gives up after 100 ms (55P03, a transient failure) in the bed's database.</summary>
    private async Task LockTimeoutOf100MsAsync(ConsumingTestBed bed)
    {
        var database = new NpgsqlConnectionStringBuilder(bed.ConnectionString).Database!;
        await using (var admin = new NpgsqlConnection(infra.Postgres.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{database}\" SET lock_timeout = '100ms'", admin);
            await alter.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearPool(new NpgsqlConnection(bed.ConnectionString)); // the setting applies to new sessions only
    }

    private static MeterListener TransientFailuresOf(string topic, ConcurrentQueue<long> into, ConcurrentQueue<int>? partitions = null)
    {
        var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ConsumerTelemetry.Name && instrument.Name == "hotel.consumer.transient_failures")
                listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            int? partition = null;
            var ours = false;
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name" && Equals(tag.Value, topic)) ours = true;
                if (tag.Key == "messaging.destination.partition.id" && tag.Value is int p) partition = p;
            }
            if (!ours) return;
            into.Enqueue(value);
            if (partition is { } stopped) partitions?.Enqueue(stopped);
        });
        meters.Start();
        return meters;
    }
}
