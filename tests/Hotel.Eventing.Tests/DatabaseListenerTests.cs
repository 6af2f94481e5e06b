using Hotel.ServiceDefaults;
using Hotel.Testing;
using Npgsql;

namespace Hotel.Eventing.Tests;

[Collection(nameof(InfraCollection))]
public sealed class DatabaseListenerTests(InfraFixture infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(5_000)] // half a millisecond: Npgsql's whole milliseconds would make it 0, which Npgsql reads as "no time-out"
    [InlineData(200_000)]
    public async Task A_wait_for_a_notification_that_does_not_come_ends_after_its_time_out_even_under_a_millisecond(long ticks)
    {
        await using var listener = await ListenAsync("listener_timeout", await infra.NewDatabaseAsync("listener"));

        var waiting = listener.WaitAtMostAsync(TimeSpan.FromTicks(ticks), CancellationToken.None);

        Assert.Same(waiting, await Task.WhenAny(waiting, Task.Delay(Deadline)));
        Assert.False(await waiting);
    }

    [Fact]
    public async Task A_notification_ends_the_wait_before_its_time_out()
    {
        var cs = await infra.NewDatabaseAsync("listener");
        await using var listener = await ListenAsync("listener_wake", cs);
        var waiting = listener.WaitAtMostAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        await using (var other = new NpgsqlConnection(cs))
        {
            await other.OpenAsync();
            await using var notify = new NpgsqlCommand("NOTIFY listener_wake", other);
            await notify.ExecuteNonQueryAsync();
        }

        Assert.Same(waiting, await Task.WhenAny(waiting, Task.Delay(Deadline)));
        Assert.True(await waiting);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5_000, 1)]
    [InlineData(10_000, 1)]
    [InlineData(10_001, 2)]
    [InlineData(0, 1)]
    public void Time_outs_are_rounded_up_to_whole_milliseconds_and_never_reach_zero(long ticks, int milliseconds) =>
        Assert.Equal(milliseconds, DatabaseListener.TimeoutMilliseconds(TimeSpan.FromTicks(ticks)));

    private static async Task<NpgsqlConnection> ListenAsync(string channel, string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
        await listen.ExecuteNonQueryAsync();
        return connection;
    }
}
