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
}
