namespace Hotel.Cli.Bench;

public enum LoadMode { OpenLoop, ClosedLoop, FindMax }

/// <summary>What <c>./hotel bench</c> was asked to do (its options: <see cref="CommandTable"/>).</summary>
public sealed record BenchSettings(
    LoadMode Mode,
    double Rate,
    int Seconds,
    int Bookings,
    int Concurrency,
    double MaxRate,
    int DrainSeconds,
    int IdleSeconds,
    int WarmupBookings,
    int Backlog,
    int BaselineSeconds,
    bool Recovery,
    bool Telemetry = false)
{
    /// <summary>From the options given (null: not given); the load options of two modes do not mix.</summary>
    public static BenchSettings From(double? rate, bool findMax, double? maxRate, int? bookings, int? concurrency, int? seconds,
        int? drain, int? idle, int? warmup, int? backlog, int? baseline, bool recovery, bool telemetry = false)
    {
        var modes = new List<(LoadMode Mode, string Options)>();
        if (rate is not null) modes.Add((LoadMode.OpenLoop, "--rate"));
        if (findMax || maxRate is not null) modes.Add((LoadMode.FindMax, "--find-max/--max-rate"));
        if (bookings is not null || concurrency is not null) modes.Add((LoadMode.ClosedLoop, "--bookings/--concurrency"));
        if (modes.Count > 1) throw new CliException($"{string.Join(" and ", modes.Select(m => m.Options))} do not go together: choose one way to offer load.");
        var chosen = modes.Count == 1 ? modes[0].Mode : LoadMode.OpenLoop;
        if (chosen == LoadMode.ClosedLoop && seconds is not null) throw new CliException("--seconds is for --rate and --find-max; --bookings runs until done.");
        // A find-max step is long enough to tell a backlog that keeps growing from a burst.
        var length = seconds ?? (chosen == LoadMode.FindMax ? 60 : 30);
        return new BenchSettings(chosen, rate ?? 50, length, bookings ?? 2000, concurrency ?? 16, maxRate ?? 3000,
            drain ?? Math.Max(120, 2 * length), idle ?? 30, warmup ?? 300, backlog ?? 20000, baseline ?? 5, recovery, telemetry);
    }
}
