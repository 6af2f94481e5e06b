using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hotel.ServiceDefaults;

/// <summary>A connection of its own that <c>LISTEN</c>s on a channel of the service's database, for a loop that waits on <c>WaitAsync</c>.</summary>
public static class DatabaseListener
{
    public static async Task<NpgsqlConnection> ListenAsync<TDbContext>(IServiceScopeFactory scopes, string channel, CancellationToken ct)
        where TDbContext : DbContext
    {
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
            connectionString = scope.ServiceProvider.GetRequiredService<TDbContext>().Database.GetConnectionString()!;
        // Not pooled: LISTEN is session state, and the services' pooled connections are not reset on close.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, TcpKeepAlive = true }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
            await listen.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits for a notification for at most <paramref name="timeout"/>; false when none came. Npgsql takes whole milliseconds
    /// and reads 0 as no time-out at all, so a wait under a millisecond, truncated to 0, waited for a notification that might
    /// never come (billing's retrier left a due payment alone until the next one).
    /// </summary>
    public static Task<bool> WaitAtMostAsync(this NpgsqlConnection listener, TimeSpan timeout, CancellationToken ct) =>
        listener.WaitAsync(TimeoutMilliseconds(timeout), ct);

    /// <summary><paramref name="timeout"/> in whole milliseconds, rounded up, at least 1.</summary>
    public static int TimeoutMilliseconds(TimeSpan timeout) => (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
}
