using System.Collections.Concurrent;
using Npgsql;

namespace Hotel.ServiceDefaults;

public static class ServiceDatabase
{
    /// <summary>
    /// The connection string a service uses for its own database. <c>No Reset On Close</c>: Npgsql would
    /// otherwise reset every pooled connection (DISCARD ALL, a statement and a transaction of its own) before
    /// its next use — every applied batch, every API request — and the services leave no session state
    /// behind (no SET, temporary tables, LISTEN or session-level locks; advisory locks are per transaction).
    /// Automatic preparation: the same few statements run for every event, so PostgreSQL parses and plans
    /// them once per connection instead of every time.
    /// </summary>
    /// <remarks>Remembered per input: a DbContext's options are built for every scope.</remarks>
    public static string ConnectionString(string connectionString) =>
        Tuned.GetOrAdd(connectionString, static cs => new NpgsqlConnectionStringBuilder(cs)
        {
            NoResetOnClose = true,
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
        }.ConnectionString);

    private static readonly ConcurrentDictionary<string, string> Tuned = new(StringComparer.Ordinal);
}
