namespace Hotel.Bench.Peer;

/// <summary>
/// One load step of one side. Latencies are commit → applied, both PostgreSQL commit timestamps.
/// <see cref="OtherProcessesCpuPercent"/>: what everything but this side used meanwhile (% of one core), the noise
/// of a shared machine.
/// </summary>
public sealed record StepFigures(
    int Step,
    double Offered,
    double CommittedPerSecond,
    double AppliedPerSecond,
    int Committed,
    int Applied,
    int WriteFailures,
    int NotSent,
    double? P50Ms,
    double? P99Ms,
    double? MaxMs,
    int BacklogAtHalfStep,
    int BacklogAtEnd,
    double CpuMsPerEvent,
    Dictionary<string, double> CpuMsPerEventByProcess,
    double OtherProcessesCpuPercent,
    bool KeptUp,
    string? Why);

/// <summary>One side's run: every step, and its sustained rate (the highest step kept up).</summary>
public sealed record SideFigures(string Name, string Description, double SustainedEventsPerSecond, double? P50Ms, double? P99Ms, double? CpuMsPerEvent, List<StepFigures> Steps)
{
    public static SideFigures Of(string name, string description, List<StepFigures> steps)
    {
        var sustained = steps.Where(s => s.KeptUp).MaxBy(s => s.Offered);
        return new SideFigures(name, description, sustained?.Offered ?? 0, sustained?.P50Ms, sustained?.P99Ms, sustained?.CpuMsPerEvent, steps);
    }
}
