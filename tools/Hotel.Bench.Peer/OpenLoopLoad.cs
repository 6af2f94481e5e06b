using System.Diagnostics;

namespace Hotel.Bench.Peer;

/// <summary>What one writer process reports for a step.</summary>
public sealed record LoadResult(int Committed, int Failed, int NotSent, double ElapsedSeconds);

/// <summary>
/// Open-loop load: event i of a step is due at <c>i / rate</c> seconds after its start, whatever the
/// earlier writes took. <c>writers</c> connections share the schedule round robin; a writer that is
/// late sends its next write at once instead of waiting, and the schedule does not slow down for it.
/// </summary>
public static class OpenLoopLoad
{
    /// <summary>Writes still not started this long after the schedule ended are given up (counted as not sent).</summary>
    private static readonly TimeSpan Overrun = TimeSpan.FromSeconds(5);

    public static async Task<LoadResult> RunAsync(double rate, double seconds, int writers, Func<CancellationToken, Task> writeOne, CancellationToken ct)
    {
        var total = (int)Math.Round(rate * seconds);
        var giveUpAt = TimeSpan.FromSeconds(seconds) + Overrun;
        int committed = 0, failed = 0, notSent = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            for (var i = writer; i < total; i += writers)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
                if (clock.Elapsed > giveUpAt)
                {
                    Interlocked.Add(ref notSent, (total - i + writers - 1) / writers);
                    return;
                }
                try
                {
                    await writeOne(ct);
                    Interlocked.Increment(ref committed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (Interlocked.Increment(ref failed) <= 3) Console.Error.WriteLine($"write failed: {e.GetType().Name}: {e.Message}");
                }
            }
        }, ct)));
        return new LoadResult(committed, failed, notSent, clock.Elapsed.TotalSeconds);
    }
}
