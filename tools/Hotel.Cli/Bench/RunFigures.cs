namespace Hotel.Cli.Bench;

/// <summary>The figures of one load window: a <c>--rate</c> run, a <c>--bookings</c> run, or one <c>--find-max</c> step.</summary>
public sealed record RunFigures(
    string Mode,
    double? OfferedPerSecond,
    int Offered,
    int Placed,
    int Rejected,
    int Failed,
    double LoadSeconds,
    double AchievedPerSecond,
    int SendsBehindSchedule,
    double MaxSendLatenessMs,
    double ApiP50Ms,
    double ApiP99Ms,
    List<EffectFigures> Effects,
    double CpuMsPerBooking,
    Dictionary<string, double> CpuMsPerBookingByProcess,
    Dictionary<string, double> CpuSecondsByProcess,
    double CpuMsPerBookingUntilDrained,
    bool StartedWithBacklog,
    bool Drained,
    double SecondsToDrain,
    string? NotSustainedBecause,
    Dictionary<string, double> TransactionsPerBookingByDatabase)
{
    /// <summary>A send that left more than this after its due time fell behind schedule.</summary>
    public const double LateMs = 10;

    public bool Sustained => NotSustainedBecause is null;

    /// <summary>
    /// Why the rate was not sustained (null: it was): the API committed under 90 % of the offered rate, over 1 % of the
    /// requests failed, or some effect's commit→effect p99 passed 1 s or its backlog kept growing. The receipt measured
    /// from the booking's commit sums three hops, each judged on its own, so it does not count here.
    /// </summary>
    public static string? Judge(double? offered, double achieved, int requests, int failed, IEnumerable<EffectFigures> effects)
    {
        var reasons = new List<string>();
        if (offered is { } rate && achieved < 0.9 * rate) reasons.Add($"the API committed {achieved:N1}/s of {rate:N0}/s offered");
        if (failed > requests / 100) reasons.Add($"{failed} of {requests} requests failed");
        foreach (var e in effects.Where(e => e.Effect != EffectSampling.ReceiptFromBooking && e.Expected > 0))
        {
            var why = new List<string>();
            if (e.P99Ms > 1000) why.Add($"p99 {e.P99Ms / 1000:N1} s");
            if (e.BacklogGrowing) why.Add($"backlog grows {e.BacklogGrowthPerSecond:N1}/s");
            if (why.Count > 0) reasons.Add($"{e.Effect}: {string.Join(", ", why)}");
        }
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
