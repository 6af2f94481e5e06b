namespace Hotel.Cli.Bench;

/// <summary>
/// The rates <c>--find-max</c> offers: up a ladder until a step is not sustained, then bisecting between the last
/// sustained and the first unsustained rate until they are within about a tenth of each other.
/// </summary>
public sealed class FindMaxSearch(double maxRate)
{
    public static readonly double[] Ladder = [25, 50, 100, 200, 300, 400, 600, 800, 1000, 1500, 2000, 3000, 4000, 6000];

    /// <summary>The highest rate sustained so far (null: none yet).</summary>
    public double? LastGood { get; private set; }

    /// <summary>The lowest rate not sustained so far (null: none yet).</summary>
    public double? FirstBad { get; private set; }

    /// <summary>The next rate to offer, or null when the search is over.</summary>
    public double? Next()
    {
        var low = LastGood ?? 0;
        if (FirstBad is not { } high)
        {
            var up = Ladder.Where(r => r > low && r <= maxRate).Cast<double?>().FirstOrDefault();
            // Past the ladder's top rung below the cap, one last step at the cap itself.
            return up ?? (low < maxRate ? maxRate : null);
        }
        if (high - low <= Math.Max(2, high / 10)) return null;
        var middle = Math.Floor((low + high) / 2);
        return middle > low && middle < high ? middle : null;
    }

    public void Record(double rate, bool sustained)
    {
        if (sustained) LastGood = Math.Max(LastGood ?? 0, rate);
        else FirstBad = Math.Min(FirstBad ?? double.MaxValue, rate);
    }
}
