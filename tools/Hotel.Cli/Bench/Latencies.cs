namespace Hotel.Cli.Bench;

/// <summary>One event committed, and when its effect happened (null: not yet when the effects were read).</summary>
public sealed record EffectSample(DateTime CommittedAt, DateTime? DoneAt, string EventType);

/// <summary>An effect of commits — arrival on a topic, application by a consumer, a mail accepted — with a sample per event.</summary>
public sealed record EffectSamples(string Name, IReadOnlyList<EffectSample> Samples);

/// <summary>
/// Commit→effect latency. An event whose effect had not happened when the effects were read counts with the time it
/// had waited by then, a lower bound, so a consumer far behind shows a high p99 rather than a short list of the
/// events it managed. Backlog: events committed minus events done, per second of the load window.
/// </summary>
public sealed record EffectFigures(
    string Effect,
    int Expected,
    int Done,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    double PerSecond,
    int BacklogAtEnd,
    double BacklogGrowthPerSecond,
    bool BacklogGrowing,
    Dictionary<string, EffectFigures>? ByEventType)
{
    public bool Complete => Done == Expected;

    public static EffectFigures Of(EffectSamples effect, DateTime readAt, DateTime loadStart, DateTime loadEnd, bool byType = false)
    {
        var samples = effect.Samples;
        var latencies = samples.Select(s => ((s.DoneAt ?? readAt) - s.CommittedAt).TotalMilliseconds).Order().ToArray();
        var done = samples.Where(s => s.DoneAt is not null).ToList();
        var span = done.Count == 0 ? 0 : (done.Max(s => s.DoneAt!.Value) - samples.Min(s => s.CommittedAt)).TotalSeconds;
        var (backlogAtEnd, growth, growing) = Backlog(samples, loadStart, loadEnd);
        var types = byType && samples.Select(s => s.EventType).Distinct().Count() > 1
            ? samples.GroupBy(s => s.EventType).OrderBy(g => g.Key)
                .ToDictionary(g => g.Key, g => Of(new EffectSamples(g.Key, g.ToList()), readAt, loadStart, loadEnd))
            : null;
        return new EffectFigures(effect.Name, samples.Count, done.Count,
            Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 95), Percentiles.Of(latencies, 99), latencies.LastOrDefault(double.NaN),
            span > 0 ? done.Count / span : double.NaN, backlogAtEnd, growth, growing, types);
    }

    /// <summary>
    /// Backlog at the end of the load window, its growth (least-squares slope over the window's second half) and
    /// whether it keeps growing: by more than 5 % of the arrival rate, with over a second's worth of arrivals waiting.
    /// </summary>
    public static (int AtEnd, double GrowthPerSecond, bool Growing) Backlog(IReadOnlyList<EffectSample> samples, DateTime loadStart, DateTime loadEnd)
    {
        var seconds = (loadEnd - loadStart).TotalSeconds;
        if (samples.Count == 0 || seconds < 2) return (0, 0, false);
        var committed = samples.Select(s => s.CommittedAt).Order().ToArray();
        var done = samples.Where(s => s.DoneAt is not null).Select(s => s.DoneAt!.Value).Order().ToArray();
        int BacklogAt(DateTime t) => UpTo(committed, t) - UpTo(done, t);
        var points = new List<(double X, double Y)>();
        for (var x = seconds / 2; x <= seconds + 1e-9; x += Math.Max(0.5, seconds / 40)) points.Add((x, BacklogAt(loadStart.AddSeconds(x))));
        var atEnd = BacklogAt(loadEnd);
        var slope = Slope(points);
        var arrivalsPerSecond = UpTo(committed, loadEnd) / seconds;
        return (atEnd, slope, slope > 0.05 * arrivalsPerSecond && atEnd > arrivalsPerSecond);
    }

    private static int UpTo(DateTime[] sorted, DateTime t)
    {
        var i = Array.BinarySearch(sorted, t);
        if (i < 0) return ~i;
        while (i + 1 < sorted.Length && sorted[i + 1] == t) i++;
        return i + 1;
    }

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }
}
