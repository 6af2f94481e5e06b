using System.Globalization;

namespace Hotel.Cli.Bench;

public enum LoadMode { OpenLoop, ClosedLoop, FindMax }

/// <summary>What <c>./hotel bench</c> was asked to do (see <see cref="Usage"/>).</summary>
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
    bool Recovery)
{
    public const string Usage =
        "bench [--rate R] [--seconds S] | --find-max [--seconds S] [--max-rate R] | --bookings N [--concurrency C]  " +
        "[--drain-seconds S] [--idle-seconds S] [--warmup N] [--backlog N] [--baseline-seconds S] [--recovery]";

    public static BenchSettings Parse(string[] args)
    {
        LoadMode? mode = null;
        double? rate = null, maxRate = null;
        var recovery = false;
        int? seconds = null, bookings = null, concurrency = null, drain = null, idle = null, warmup = null, backlog = null, baseline = null;
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            double Number() => i + 1 < args.Length && double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v : throw new CliException($"{option} needs a positive number. Usage: {Usage}");
            int Whole() => (int)Math.Round(Number());
            void Set(LoadMode m)
            {
                if (mode is not null && mode != m) throw new CliException($"{option} does not go with the other load options. Usage: {Usage}");
                mode = m;
            }
            switch (option)
            {
                case "--rate": Set(LoadMode.OpenLoop); rate = Number(); break;
                case "--find-max": Set(LoadMode.FindMax); break;
                case "--max-rate": Set(LoadMode.FindMax); maxRate = Number(); break;
                case "--bookings": Set(LoadMode.ClosedLoop); bookings = Whole(); break;
                case "--concurrency": Set(LoadMode.ClosedLoop); concurrency = Whole(); break;
                case "--seconds": seconds = Whole(); break;
                case "--drain-seconds": drain = Whole(); break;
                case "--idle-seconds": idle = Whole(); break;
                case "--warmup": warmup = Whole(); break;
                case "--backlog": backlog = Whole(); break;
                case "--baseline-seconds": baseline = Whole(); break;
                case "--recovery": recovery = true; break;
                default: throw new CliException($"unknown option '{option}'. Usage: {Usage}");
            }
        }
        var chosen = mode ?? LoadMode.OpenLoop;
        if (chosen == LoadMode.ClosedLoop && seconds is not null) throw new CliException($"--seconds is for --rate and --find-max; --bookings runs until done. Usage: {Usage}");
        // A find-max step is long enough to tell a backlog that keeps growing from a burst.
        var length = seconds ?? (chosen == LoadMode.FindMax ? 60 : 30);
        return new BenchSettings(chosen, rate ?? 50, length, bookings ?? 2000, concurrency ?? 16, maxRate ?? 3000,
            drain ?? Math.Max(120, 2 * length), idle ?? 30, warmup ?? 300, backlog ?? 20000, baseline ?? 5, recovery);
    }
}
