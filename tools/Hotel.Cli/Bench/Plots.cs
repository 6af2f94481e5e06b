using ScottPlot;

namespace Hotel.Cli.Bench;

/// <summary>
/// PNG plots of one load window (ScottPlot): commit→effect latency over the window per effect, and its distribution
/// (the share of events whose effect came within a time). Latency axes are logarithmic: milliseconds and seconds in one view.
/// Events whose effect had not happened when the effects were read are left out of the plots (the figures count them).
/// </summary>
public static class Plots
{
    /// <summary>Writes <c>{prefix}-latency-over-time.png</c> and <c>{prefix}-latency-cdf.png</c>; returns their paths.</summary>
    public static List<string> Write(RunMeasurement run, string directory, string prefix, string title)
    {
        var effects = run.Effects.Where(e => e.Name != EffectSampling.ReceiptFromBooking && e.Samples.Any(s => s.DoneAt is not null)).ToList();
        var overTime = Path.Combine(directory, $"{prefix}-latency-over-time.png");
        var cdf = Path.Combine(directory, $"{prefix}-latency-cdf.png");

        var plot = NewPlot($"Commit → effect latency over time: {title}");
        foreach (var effect in effects)
        {
            var done = effect.Samples.Where(s => s.DoneAt is not null).OrderBy(s => s.CommittedAt).ToList();
            var xs = done.Select(s => (s.CommittedAt - run.LoadStart).TotalSeconds).ToArray();
            var ys = done.Select(s => Log(s.DoneAt!.Value - s.CommittedAt)).ToArray();
            var points = plot.Add.ScatterPoints(xs, ys);
            points.MarkerSize = 4;
            points.LegendText = effect.Name;
        }
        plot.XLabel("commit time, seconds since the load started");
        plot.YLabel("commit → effect (ms, log scale)");
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.ShowLegend(Edge.Right);
        plot.SavePng(overTime, 1200, 700);

        plot = NewPlot($"Commit → effect latency distribution: {title}");
        foreach (var effect in effects)
        {
            var latencies = effect.Samples.Where(s => s.DoneAt is not null).Select(s => Log(s.DoneAt!.Value - s.CommittedAt)).Order().ToArray();
            var shares = latencies.Select((_, i) => 100.0 * (i + 1) / effect.Samples.Count).ToArray();
            var line = plot.Add.ScatterLine(latencies, shares);
            line.LineWidth = 2;
            line.LegendText = effect.Name;
        }
        plot.XLabel("commit → effect (ms, log scale)");
        plot.YLabel("events with their effect within that time (%)");
        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Axes.SetLimitsY(0, 101);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(cdf, 1200, 700);
        return [overTime, cdf];
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans"); // Debian's fonts-dejavu-core
        plot.Title(title);
        return plot;
    }

    /// <summary>Log10 of the latency in ms, at least 0.1 ms so an instant effect still has a place on the axis.</summary>
    private static double Log(TimeSpan latency) => Math.Log10(Math.Max(0.1, latency.TotalMilliseconds));

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v) switch
        {
            >= 1000 and var ms => $"{ms / 1000:0.#} s",
            var ms => $"{ms:0.#} ms",
        },
    };
}
