using Npgsql;

namespace Hotel.Bench.Peer;

/// <summary>Reads a step's outcome from the two databases of a side and turns it into <see cref="StepFigures"/>.</summary>
public static class StepMeasurement
{
    /// <summary>A step keeps up when this share of the offered rate committed…</summary>
    private const double CommittedShare = 0.95;

    /// <summary>…p99 commit → applied is at most this…</summary>
    public const double MaxP99Ms = 1000;

    /// <summary>…and the backlog grew by less than this many seconds of offered load over the second half of the step.</summary>
    private const double MaxBacklogGrowthSeconds = 0.5;

    /// <summary>Polls until the consumer applied as many of the step's events as the writer committed, or the deadline passes.</summary>
    public static async Task WaitForDrainAsync(string writerCs, string consumerCs, int step, TimeSpan deadline, CancellationToken ct)
    {
        var committed = await CountAsync(writerCs, BenchTables.Bookings, step, ct);
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until && await CountAsync(consumerCs, BenchTables.Applied, step, ct) < committed)
            await Task.Delay(250, ct);
    }

    public static async Task<StepFigures> MeasureAsync(string writerCs, string consumerCs, int step, double offered, double seconds,
        LoadResult load, Dictionary<string, double> cpuMs, double otherCpuPercent, CancellationToken ct)
    {
        var commits = await CommitTimesAsync(writerCs, $"SELECT id, pg_xact_commit_timestamp(xmin) FROM {BenchTables.Bookings} WHERE step = $1", step, ct);
        var applied = await CommitTimesAsync(consumerCs, $"SELECT booking_id, pg_xact_commit_timestamp(xmin) FROM {BenchTables.Applied} WHERE step = $1", step, ct);

        var latencies = commits.Where(c => applied.ContainsKey(c.Key)).Select(c => (applied[c.Key] - c.Value).TotalMilliseconds).Order().ToArray();
        var missing = commits.Count - latencies.Length;
        // Missing events count as slower than any applied one: p99 is unknown (null) once more than 1 % are missing.
        double? Percentile(double p)
        {
            if (commits.Count == 0) return null;
            var rank = Math.Clamp((int)Math.Ceiling(p / 100 * commits.Count) - 1, 0, commits.Count - 1);
            return rank < latencies.Length ? latencies[rank] : null;
        }

        var commitTimes = commits.Values.Order().ToArray();
        var appliedTimes = applied.Values.Order().ToArray();
        var start = commitTimes.FirstOrDefault();
        var end = start.AddSeconds(seconds);
        var half = start.AddSeconds(seconds / 2);
        int Backlog(DateTime at) => CountUpTo(commitTimes, at) - CountUpTo(appliedTimes, at);
        var committedPerSecond = (CountUpTo(commitTimes, end) - CountUpTo(commitTimes, start.AddTicks(-1))) / seconds;
        var appliedPerSecond = (CountUpTo(appliedTimes, end) - CountUpTo(appliedTimes, start.AddTicks(-1))) / seconds;
        var backlogHalf = commits.Count == 0 ? 0 : Backlog(half);
        var backlogEnd = commits.Count == 0 ? 0 : Backlog(end);

        var p99 = Percentile(99);
        var why = new List<string>();
        if (committedPerSecond < CommittedShare * offered) why.Add($"writers committed only {committedPerSecond:N0}/s");
        if (missing > 0) why.Add($"{missing} not applied by the drain deadline");
        if (p99 is null or > MaxP99Ms) why.Add(p99 is null ? "p99 unknown (events missing)" : $"p99 {p99:N0} ms > {MaxP99Ms:N0} ms");
        if (backlogEnd - backlogHalf > MaxBacklogGrowthSeconds * offered) why.Add($"backlog grew {backlogHalf} → {backlogEnd}");

        var events = Math.Max(1, load.Committed);
        return new StepFigures(step, offered, committedPerSecond, appliedPerSecond, commits.Count, latencies.Length, load.Failed, load.NotSent,
            Percentile(50), p99, latencies.Length == commits.Count && latencies.Length > 0 ? latencies[^1] : null,
            backlogHalf, backlogEnd,
            cpuMs.Values.Sum() / events, cpuMs.ToDictionary(c => c.Key, c => c.Value / events), otherCpuPercent,
            why.Count == 0, why.Count == 0 ? null : string.Join("; ", why));
    }

    private static int CountUpTo(DateTime[] sorted, DateTime at)
    {
        var i = Array.BinarySearch(sorted, at);
        if (i < 0) return ~i;
        while (i + 1 < sorted.Length && sorted[i + 1] == at) i++;
        return i + 1;
    }

    private static async Task<int> CountAsync(string cs, string table, int step, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE step = $1", conn) { Parameters = { new() { Value = step } } };
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
    }

    private static async Task<Dictionary<Guid, DateTime>> CommitTimesAsync(string cs, string sql, int step, CancellationToken ct)
    {
        var times = new Dictionary<Guid, DateTime>();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = step } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (!reader.IsDBNull(1)) times[reader.GetGuid(0)] = reader.GetFieldValue<DateTime>(1).ToUniversalTime();
        return times;
    }
}
