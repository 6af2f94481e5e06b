using System.Diagnostics;
using System.Text.Json;
using Hotel.LocalInfra;

namespace Hotel.Bench.Peer;

/// <summary>
/// Starts one durable PostgreSQL (scratch directory) and one embedded broker (in this process), each
/// side's processes, then offers every rate to each side in turn, printing and recording the figures.
/// </summary>
public static class Coordinator
{
    private const int Partitions = 8; // as the suite's topics (ServiceCatalog.Partitions)
    private const string Broker = "broker (this process)";
    private const double WarmUpSeconds = 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var scratch = Path.Combine(settings.DataDirectory, "bench-peer-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        var logs = Path.Combine(settings.DataDirectory, "bench-peer-logs");
        Directory.CreateDirectory(logs);
        var sides = new List<BenchSide> { BenchSide.Ours(), BenchSide.Peer(tuned: false) };
        if (settings.PeerTuned) sides.Add(BenchSide.Peer(tuned: true));

        Console.WriteLine($"Minimal flow, ours beside Wolverine: {settings.Writers} open-loop writers, {settings.StepSeconds:N0} s steps at "
            + $"{string.Join(", ", settings.Rates)} events/s; {Environment.ProcessorCount} cores, load average {LoadAverage()}. Logs in {logs}");
        Console.WriteLine("'others': CPU that every other process of the machine used during the step (% of one core); figures are only comparable when it is low.");
        try
        {
            await using var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(scratch, "pg"), durable: true, ct: ct);
            using var kafka = EmbeddedKafka.Start();
            try
            {
                foreach (var side in sides) await side.PrepareAsync(postgres, kafka, Partitions, ct);
                Console.WriteLine("Starting each side's processes…");
                foreach (var side in sides) await side.StartAsync(postgres, kafka.BootstrapServers, logs);
                var cpu = new CpuSampler(postgres.DataDirectory, sides.SelectMany(s => new[] { s.WriterDatabase, s.ConsumerDatabase }).ToList());

                // Warm-up (JIT tiering, Wolverine's code generation, consumer group joins); not reported.
                var step = 0;
                foreach (var side in sides) await RunStepAsync(side, postgres, cpu, settings, step, Math.Min(200, settings.Rates[0]), WarmUpSeconds, ct);
                Console.WriteLine();
                Console.WriteLine($"{"side",-14} {"offered",8} {"commit/s",9} {"applied/s",9} {"p50 ms",8} {"p99 ms",8} {"CPU ms/ev",9}  kept up  others  (CPU ms per event by process)");
                foreach (var rate in settings.Rates)
                {
                    step++;
                    foreach (var side in sides.Where(s => s.Active))
                    {
                        var figures = await RunStepAsync(side, postgres, cpu, settings, step, rate, settings.StepSeconds, ct);
                        side.Steps.Add(figures);
                        Print(side, figures);
                        // Two misses in a row end a side (one may be the noise of a shared machine), unless --keep-going.
                        if (!settings.KeepGoing && side.Steps.Count >= 2 && side.Steps.TakeLast(2).All(f => !f.KeptUp)) side.Active = false;
                    }
                    if (!sides.Any(s => s.Active)) break;
                }
            }
            finally
            {
                foreach (var side in sides) await side.DisposeAsync();
            }
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        var results = sides.ToDictionary(s => s.Key, s => SideFigures.Of(s.Name, s.Description, s.Steps));
        var ratios = Ratios(results["ours"], results["peer"]);
        PrintSummary(results.Values, ratios);
        var file = Path.Combine(settings.DataDirectory, "bench-peer-results.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["generatedAt"] = DateTimeOffset.UtcNow,
            ["processorCount"] = Environment.ProcessorCount,
            ["loadAverageAtEnd"] = LoadAverage(),
            ["settings"] = new { settings.Rates, settings.StepSeconds, settings.Writers, settings.DrainSeconds, settings.PeerTuned, settings.KeepGoing },
            ["ours"] = results["ours"],
            ["peer"] = results["peer"],
            ["peerTuned"] = results.GetValueOrDefault("peerTuned"),
            ["ratios"] = ratios,
        }, Json), ct);
        Console.WriteLine($"Figures also in {file}");
        return 0;
    }

    private static async Task<StepFigures> RunStepAsync(BenchSide side, EmbeddedPostgres postgres, CpuSampler cpu, BenchSettings settings,
        int step, double rate, double seconds, CancellationToken ct)
    {
        var processes = new Dictionary<string, int>(side.Processes) { [Broker] = Environment.ProcessId };
        var before = cpu.Sample(processes);
        var machineBefore = CpuSampler.MachineBusyMs();
        var wall = Stopwatch.StartNew();
        await side.Writer.SendAsync(ChildProtocol.StepCommand(step, rate, seconds, settings.Writers));
        var load = ChildProtocol.ParseDone(await side.Writer.ReadLineAsync(ChildProtocol.Done, TimeSpan.FromSeconds(seconds + 120)));
        var writerCs = postgres.ConnectionString(side.WriterDatabase);
        var consumerCs = postgres.ConnectionString(side.ConsumerDatabase);
        await StepMeasurement.WaitForDrainAsync(writerCs, consumerCs, step, TimeSpan.FromSeconds(step == 0 ? 120 : settings.DrainSeconds), ct);
        var used = CpuSampler.Difference(before, cpu.Sample(processes))
            .Where(u => processes.ContainsKey(u.Key) || u.Key == CpuSampler.PostgresShared
                || u.Key == CpuSampler.PostgresOf(side.WriterDatabase) || u.Key == CpuSampler.PostgresOf(side.ConsumerDatabase))
            .ToDictionary(u => u.Key, u => u.Value);
        var others = (CpuSampler.MachineBusyMs() - machineBefore - used.Values.Sum()) / wall.Elapsed.TotalMilliseconds * 100;
        return await StepMeasurement.MeasureAsync(writerCs, consumerCs, step, rate, seconds, load, used, Math.Max(0, others), ct);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Ours ÷ peer: sustained rates, and latency and CPU at the highest rate both kept up with.</summary>
    private static Dictionary<string, double?> Ratios(SideFigures ours, SideFigures peer)
    {
        var common = ours.Steps.Where(s => s.KeptUp).Select(s => s.Offered)
            .Intersect(peer.Steps.Where(s => s.KeptUp).Select(s => s.Offered)).DefaultIfEmpty(0).Max();
        var o = ours.Steps.FirstOrDefault(s => s.Offered == common);
        var p = peer.Steps.FirstOrDefault(s => s.Offered == common);
        static double? Div(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;
        return new Dictionary<string, double?>
        {
            ["sustainedOursToPeer"] = Div(ours.SustainedEventsPerSecond, peer.SustainedEventsPerSecond),
            ["commonRate"] = common > 0 ? common : null,
            ["p50OursToPeerAtCommonRate"] = Div(o?.P50Ms, p?.P50Ms),
            ["p99OursToPeerAtCommonRate"] = Div(o?.P99Ms, p?.P99Ms),
            ["cpuMsPerEventOursToPeerAtCommonRate"] = Div(o?.CpuMsPerEvent, p?.CpuMsPerEvent),
        };
    }

    private static void Print(BenchSide side, StepFigures f)
    {
        static string Ms(double? v) => v is { } x ? x.ToString("N1") : "—";
        var byProcess = string.Join(", ", f.CpuMsPerEventByProcess.Where(c => c.Value >= 0.005).OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:F2}"));
        Console.WriteLine($"{side.Name,-14} {f.Offered,8:N0} {f.CommittedPerSecond,9:N0} {f.AppliedPerSecond,9:N0} {Ms(f.P50Ms),8} {Ms(f.P99Ms),8} {f.CpuMsPerEvent,9:F2}  {(f.KeptUp ? "yes" : "no "),-7}  {f.OtherProcessesCpuPercent,4:N0} %  ({byProcess})");
        if (f.Why is not null) Console.WriteLine($"{"",-14} └ {f.Why}");
    }

    private static void PrintSummary(IEnumerable<SideFigures> sides, Dictionary<string, double?> ratios)
    {
        Console.WriteLine();
        Console.WriteLine("Sustained (highest step with p99 ≤ 1 s, every event applied, writers at ≥ 95 % of the offered rate, no growing backlog):");
        foreach (var s in sides)
            Console.WriteLine($"  {s.Name,-14} {s.SustainedEventsPerSecond,6:N0} events/s   p50 {s.P50Ms?.ToString("N1") ?? "—"} ms · p99 {s.P99Ms?.ToString("N1") ?? "—"} ms · {s.CpuMsPerEvent?.ToString("F2") ?? "—"} CPU-ms/event");
        static string R(double? v) => v is { } x ? x.ToString("F2") : "—";
        Console.WriteLine($"  ours ÷ wolverine: sustained {R(ratios["sustainedOursToPeer"])}×; at {ratios["commonRate"]?.ToString("N0") ?? "—"} events/s "
            + $"p50 {R(ratios["p50OursToPeerAtCommonRate"])}×, p99 {R(ratios["p99OursToPeerAtCommonRate"])}×, CPU per event {R(ratios["cpuMsPerEventOursToPeerAtCommonRate"])}×");
    }
}
