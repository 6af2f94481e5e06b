using Hotel.Eventing.TestConsumer;
using Hotel.ServiceDefaults;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hotel.Eventing.Tests;

[Collection(ConsumingCollection.Name)]
public sealed class RowLockTests(InfraFixture infra)
{
    [Fact]
    public async Task A_row_locked_by_one_transaction_is_skipped_by_another_until_it_commits_and_plain_queries_lock_nothing()
    {
        var connectionString = await infra.NewDatabaseAsync("rowlock");
        RoomsDb NewDb() => new(new DbContextOptionsBuilder<RoomsDb>().UseNpgsql(connectionString).AddInterceptors(RowLockInterceptor.Instance).Options);
        await using (var setup = NewDb())
        {
            await setup.Database.EnsureCreatedAsync();
            setup.RoomCounts.Add(new RoomCount { RoomId = "101" });
            await setup.SaveChangesAsync();
        }

        await using var holder = NewDb();
        await using var other = NewDb();
        await using var held = await holder.Database.BeginTransactionAsync();
        var locked = await holder.RoomCounts.Where(r => r.RoomId == "101").WithRowLock(RowLock.ForUpdate).SingleAsync();
        Assert.Equal("101", locked.RoomId);

        await using (var tx = await other.Database.BeginTransactionAsync())
        {
            Assert.Null(await other.RoomCounts.Where(r => r.RoomId == "101").WithRowLock(RowLock.ForUpdateSkipLocked).FirstOrDefaultAsync());
            Assert.NotNull(await other.RoomCounts.AsNoTracking().SingleOrDefaultAsync(r => r.RoomId == "101")); // a plain read still sees it
        }

        await held.CommitAsync();
        await using (var tx = await other.Database.BeginTransactionAsync())
            Assert.NotNull(await other.RoomCounts.Where(r => r.RoomId == "101").WithRowLock(RowLock.ForUpdateSkipLocked).FirstOrDefaultAsync());
    }

    [Fact]
    public void Only_a_row_locking_clause_can_be_tagged()
    {
        using var db = new RoomsDb(new DbContextOptionsBuilder<RoomsDb>().UseNpgsql("Host=unused").Options);
        Assert.Throws<ArgumentException>(() => db.RoomCounts.WithRowLock("; DROP TABLE room_counts"));
    }
}
