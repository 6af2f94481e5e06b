using System.Diagnostics;
using Hotel.Cli.Run;
using Npgsql;

namespace Hotel.Cli.Bench;

/// <summary>
/// <c>--recovery</c>: under the offered load, one immediate PostgreSQL restart (<c>pg_ctl restart -m immediate</c>, as a
/// crash), and the time from the end of the restart (the server accepting connections again) until the suite has caught
/// up: every relay slot confirmed past the WAL position the server restarted at, and then every consumer group's lag 0.
/// </summary>
public static class RecoveryPhase
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    public sealed record Result(double RecoverySeconds, LoadResult Load);

    public static async Task<Result> MeasureAsync(LocalStack stack, BenchRunner runner, SuiteEffects effects, double rate, int seconds)
    {
        var groups = (await effects.ConsumersAsync()).Select(s => s.Name).ToList(); // each service's group is named after it
        var load = runner.OfferAsync(rate, seconds);
        await Task.Delay(TimeSpan.FromSeconds(seconds / 3.0)); // under load before the restart
        await stack.Postgres.RestartImmediatelyAsync();
        var sinceRestart = Stopwatch.StartNew();
        var restartedAt = await CurrentWalLsnAsync(stack);
        using var lag = new ConsumerLag(stack.BootstrapServers);
        var slotsCaughtUp = false;
        while (true)
        {
            if (sinceRestart.Elapsed > Deadline)
                throw new CliException($"the suite had not caught up {Deadline.TotalMinutes:N0} min after the PostgreSQL restart "
                    + (slotsCaughtUp ? $"(consumer lag: {string.Join(", ", lag.Read(groups, ServiceCatalog.Topics, ServiceCatalog.Partitions).Select(l => $"{l.Key} {l.Value}"))})" : "(a relay slot is behind)"));
            slotsCaughtUp = slotsCaughtUp || await SlotsConfirmedPastAsync(stack, restartedAt);
            if (slotsCaughtUp && lag.Read(groups, ServiceCatalog.Topics, ServiceCatalog.Partitions).Values.All(v => v == 0)) break;
            await Task.Delay(100);
        }
        var recovery = sinceRestart.Elapsed.TotalSeconds;
        return new Result(recovery, await load);
    }

    /// <summary>The WAL position right after the restart; retried while the server is still finishing its recovery.</summary>
    private static async Task<ulong> CurrentWalLsnAsync(LocalStack stack)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var conn = new NpgsqlConnection(stack.Postgres.AdminConnectionString);
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT (pg_current_wal_lsn() - '0/0')::bigint", conn);
                return (ulong)(long)(await cmd.ExecuteScalarAsync())!;
            }
            catch (Exception e) when (attempt < 50 && Hotel.Eventing.TransientFailures.IsTransient(e))
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<bool> SlotsConfirmedPastAsync(LocalStack stack, ulong lsn)
    {
        try
        {
            await using var conn = new NpgsqlConnection(stack.Postgres.AdminConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'logical' AND (confirmed_flush_lsn - '0/0')::bigint < $1", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (long)lsn });
            return (long)(await cmd.ExecuteScalarAsync())! == 0;
        }
        catch (NpgsqlException) { return false; }
    }
}
