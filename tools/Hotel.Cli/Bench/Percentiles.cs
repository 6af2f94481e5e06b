namespace Hotel.Cli.Bench;

public static class Percentiles
{
    /// <summary>Nearest-rank percentile of ascending <paramref name="sorted"/>; NaN when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
