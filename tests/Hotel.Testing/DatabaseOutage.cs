using Npgsql;

namespace Hotel.Testing;

/// <summary>
/// What a PostgreSQL restart does to one database's clients, for as long as a test wants: their sessions end
/// (57P01) and new ones are refused (55000) until <see cref="EndAsync"/>; the rest of the cluster stays up.
/// </summary>
public sealed class DatabaseOutage : IAsyncDisposable
{
    private readonly InfraFixture _infra;
    private readonly string _connectionString;
    private readonly string _database;
    private bool _ended;

    private DatabaseOutage(InfraFixture infra, string connectionString)
    {
        _infra = infra;
        _connectionString = connectionString;
        _database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    public static async Task<DatabaseOutage> BeginAsync(InfraFixture infra, string connectionString)
    {
        var outage = new DatabaseOutage(infra, connectionString);
        await outage.ExecuteAsync($"ALTER DATABASE \"{outage._database}\" ALLOW_CONNECTIONS false");
        await outage.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", outage._database);
        return outage;
    }

    /// <summary>
    /// Accepts connections again; the service under test is not told, it finds out on its next attempt. The test's own
    /// pooled connections to the same connection string (its helpers' queries) ended with the outage: they are dropped.
    /// </summary>
    public async Task EndAsync()
    {
        if (_ended) return;
        await ExecuteAsync($"ALTER DATABASE \"{_database}\" ALLOW_CONNECTIONS true");
        await using (var own = new NpgsqlConnection(_connectionString)) NpgsqlConnection.ClearPool(own);
        _ended = true;
    }

    public async ValueTask DisposeAsync() => await EndAsync();

    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var admin = new NpgsqlConnection(_infra.Postgres.AdminConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await command.ExecuteNonQueryAsync();
    }
}
