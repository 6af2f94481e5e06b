using Hotel.Cli.Run;
using Npgsql;

namespace Hotel.Cli.Bench;

/// <summary>
/// Snapshots of the CPU time of everything the bench's stack runs, by what it is: each service process, the
/// PostgreSQL backends by database (pid → database from <c>pg_stat_activity</c>), the postmaster with its
/// background processes and the backends that exited ("postgres (other)"), the relay process, this CLI process (embedded
/// broker, bench client) and the dev inbox server.
/// </summary>
public sealed class SuiteCpu(LocalStack stack)
{
    public const string Cli = "hotel CLI (broker, bench client)";
    public const string PostgresOther = "postgres (other)";

    public async Task<ProcessCpu.Snapshot> TakeAsync()
    {
        var databases = await BackendDatabasesAsync();
        var all = ProcessCpu.ReadAll();
        var at = DateTime.UtcNow;
        var snapshot = new Dictionary<(int, long), (string, double)>();
        void Add(string group, ProcessCpu.ProcessTimes p) => snapshot[(p.Pid, p.StartTicks)] = (group, p.CpuSeconds);

        foreach (var child in stack.Children)
            foreach (var p in ProcessCpu.Tree(all, child.ProcessId)) Add(child.Name, p);
        if (stack.Inbox is { } inbox)
            foreach (var p in ProcessCpu.Tree(all, inbox.ProcessId)) Add($"inbox ({inbox.Server})", p);
        if (stack.Dashboard is { } dashboard)
            foreach (var p in ProcessCpu.Tree(all, dashboard.ProcessId)) Add("telemetry dashboard", p);
        if (all.TryGetValue(Environment.ProcessId, out var self)) Add(Cli, self);
        if (PostmasterPid() is { } postmaster)
            foreach (var p in ProcessCpu.Tree(all, postmaster))
                Add(p.Pid != postmaster && databases.TryGetValue(p.Pid, out var db) ? $"postgres: {db}" : PostgresOther, p);
        return new ProcessCpu.Snapshot(at, snapshot);
    }

    /// <summary>
    /// Transactions so far (commits and rollbacks) per database, from <c>pg_stat_database</c>: what the round trips
    /// that dominate the per-event cost add up to. Backends report them within about a second of each transaction.
    /// </summary>
    public async Task<Dictionary<string, long>> TransactionsAsync()
    {
        var counts = new Dictionary<string, long>();
        await using var conn = new NpgsqlConnection(stack.Postgres.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT datname, xact_commit + xact_rollback FROM pg_stat_database WHERE datname IS NOT NULL", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private int? PostmasterPid()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(stack.Postgres.DataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, out var pid) ? pid : null;
        }
        catch (IOException) { return null; }
    }

    private async Task<Dictionary<int, string>> BackendDatabasesAsync()
    {
        var map = new Dictionary<int, string>();
        await using var conn = new NpgsqlConnection(stack.Postgres.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pid, datname FROM pg_stat_activity WHERE datname IS NOT NULL", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) map[reader.GetInt32(0)] = reader.GetString(1);
        return map;
    }
}
