using System.Globalization;

namespace Hotel.Bench.Peer;

/// <summary>
/// The line protocol between the coordinator and its child processes (stdout/stdin; logs go to stderr).
/// A child prints <c>@ready</c> once it runs; a writer reads <c>step &lt;n&gt; &lt;rate&gt; &lt;seconds&gt; &lt;writers&gt;</c> lines
/// and answers <c>@done &lt;n&gt; &lt;committed&gt; &lt;failed&gt; &lt;not sent&gt; &lt;elapsed s&gt;</c>. End of stdin stops every child.
/// </summary>
public static class ChildProtocol
{
    public const string Ready = "@ready";
    public const string Done = "@done";

    public static string StepCommand(int step, double rate, double seconds, int writers) =>
        string.Create(CultureInfo.InvariantCulture, $"step {step} {rate} {seconds} {writers}");

    public static string DoneLine(int step, LoadResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"{Done} {step} {r.Committed} {r.Failed} {r.NotSent} {r.ElapsedSeconds:F3}");

    public static LoadResult ParseDone(string line)
    {
        var p = line.Split(' ');
        return new LoadResult(int.Parse(p[2], CultureInfo.InvariantCulture), int.Parse(p[3], CultureInfo.InvariantCulture),
            int.Parse(p[4], CultureInfo.InvariantCulture), double.Parse(p[5], CultureInfo.InvariantCulture));
    }

    /// <summary>Runs a writer: signals ready, then one step per command until stdin ends.</summary>
    public static async Task ServeWriterAsync(Func<int, CancellationToken, Task> writeOne, CancellationToken ct)
    {
        SignalReady();
        while (await Console.In.ReadLineAsync(ct) is { } line)
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (p.Length != 5 || p[0] != "step") continue;
            var step = int.Parse(p[1], CultureInfo.InvariantCulture);
            var result = await OpenLoopLoad.RunAsync(double.Parse(p[2], CultureInfo.InvariantCulture), double.Parse(p[3], CultureInfo.InvariantCulture),
                int.Parse(p[4], CultureInfo.InvariantCulture), c => writeOne(step, c), ct);
            Console.Out.WriteLine(DoneLine(step, result));
            Console.Out.Flush();
        }
    }

    /// <summary>Runs a non-writing child (relay, consumer): signals ready, then waits for stdin to end.</summary>
    public static async Task ServeUntilStdinEndsAsync(CancellationToken ct)
    {
        SignalReady();
        while (await Console.In.ReadLineAsync(ct) is not null) { }
    }

    private static void SignalReady()
    {
        Console.Out.WriteLine(Ready);
        Console.Out.Flush();
    }
}
