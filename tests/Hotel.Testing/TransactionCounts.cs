using Npgsql;

namespace Hotel.Testing;

/// <summary>
/// Transactions each database committed and rolled back, from <c>pg_stat_database</c>: the count of idle work
/// (a plain SELECT outside a transaction is a commit too). Read over a connection to another database
/// (<c>postgres</c>), so the readings count against none of the databases measured. PostgreSQL 15 keeps these
/// counters in shared memory; each backend adds its own when a transaction ends and it goes idle, at most once a
/// second (<c>PGSTAT_MIN_INTERVAL</c>), and what it held back then within <c>PGSTAT_IDLE_INTERVAL</c> (10 s). So a
/// reading may miss up to the last ~10 s of commits, and a window may count commits from up to 10 s before it:
/// measure after the databases have settled.
/// </summary>
public static class TransactionCounts
{
    public sealed record Count(long Committed, long RolledBack)
    {
        public override string ToString() => $"{Committed} committed, {RolledBack} rolled back";
    }

    public static async Task<Dictionary<string, Count>> ReadAsync(string otherDatabase, IReadOnlyCollection<string> databases)
    {
        await using var connection = new NpgsqlConnection(otherDatabase);
        await connection.OpenAsync();
        // Each statement outside a transaction reads afresh; clearing the snapshot says so explicitly.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_stat_clear_snapshot()"),
                new NpgsqlBatchCommand("SELECT datname, xact_commit, xact_rollback FROM pg_stat_database WHERE datname = ANY($1)")
                { Parameters = { new NpgsqlParameter { Value = databases.ToArray() } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        var counts = new Dictionary<string, Count>();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = new Count(reader.GetInt64(1), reader.GetInt64(2));
        foreach (var database in databases)
            if (!counts.ContainsKey(database)) throw new InvalidOperationException($"pg_stat_database has no row for {database}.");
        return counts;
    }

    /// <summary>What each database committed and rolled back during one window.</summary>
    public sealed record Window(IReadOnlyDictionary<string, Count> ByDatabase)
    {
        public bool AtMost(long commits) => ByDatabase.Values.All(c => c.Committed <= commits);

        public override string ToString() => string.Join("; ", ByDatabase.Select(c => $"{c.Key}: {c.Value}"));
    }

    /// <summary>What each database committed and rolled back during <paramref name="window"/>, from now.</summary>
    public static async Task<Window> OverAsync(string otherDatabase, IReadOnlyCollection<string> databases, TimeSpan window)
    {
        var before = await ReadAsync(otherDatabase, databases);
        await Task.Delay(window); // the measurement window itself, not a wait for something to happen
        var after = await ReadAsync(otherDatabase, databases);
        return new Window(databases.ToDictionary(d => d, d => new Count(after[d].Committed - before[d].Committed, after[d].RolledBack - before[d].RolledBack)));
    }
}
