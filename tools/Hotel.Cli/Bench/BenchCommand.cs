using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Cli.Run;
using Hotel.LocalInfra;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hotel.Cli.Bench;

/// <summary>
/// <c>./hotel bench</c>: starts a private stack (durable PostgreSQL, embedded Kafka, the services, the relay) in a
/// scratch directory and measures, in one run: the idle suite's CPU, bookings offered open-loop at a rate (or
/// closed-loop, or stepped up to the highest rate sustained), commit→effect latency per consumer, CPU per booking
/// per process, beside raw baselines on the same PostgreSQL and Kafka. Prints figures; asserts nothing.
/// </summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(BenchSettings settings, Termination termination)
    {
        var root = ServiceCatalog.RepositoryRoot();
        var dataDirectory = ServiceCatalog.DataDirectory(root);
        var scratch = Path.Combine(dataDirectory, "bench-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        using var loggers = CliLogging.Create(LogLevel.Warning);
        var ports = ServiceCatalog.All.ToDictionary(s => s.Name, _ => EmbeddedPostgres.FreeTcpPort());
        var options = new LocalStack.Options(scratch, 0, Durable: true, ExternalKafka: null, s => ports[s.Name], EchoServiceOutput: false,
            RestartPolicy.Never, Dashboard: settings.Telemetry, DiscardMail: true); // a service restarted mid-run would skew every figure: the bench stops instead

        // Bookings pay with a pool of test cards (a busy card costs billing's fraud screening more with every booking it
        // has in the window) from one address: lift billing's velocity rules so none is held, and the per-client rate
        // limits (booking's API and all requests, billing's tokenisation). Service processes inherit this environment.
        Environment.SetEnvironmentVariable("Fraud__MaxBookingsPerCard", "100000000");
        Environment.SetEnvironmentVariable("Fraud__MaxEmailsPerCard", "100000000");
        Environment.SetEnvironmentVariable("RateLimiting__Api__PermitLimit", "100000000");
        Environment.SetEnvironmentVariable("RateLimiting__Requests__PermitLimit", "100000000");
        Environment.SetEnvironmentVariable("RateLimiting__Tokenisation__PermitLimit", "100000000");
        // The cards are tokenised once, before the runs; a --find-max search lasts longer than a token's default hour.
        Environment.SetEnvironmentVariable("PaymentTokens__Lifetime", "2.00:00:00");
        // Its own dev inbox, beside any ./hotel run on the default ports.
        Environment.SetEnvironmentVariable("HOTEL_SMTP_PORT", EmbeddedPostgres.FreeTcpPort().ToString());
        Environment.SetEnvironmentVariable("HOTEL_INBOX_PORT", EmbeddedPostgres.FreeTcpPort().ToString());
        foreach (var port in new[] { "HOTEL_DASHBOARD_PORT", "HOTEL_OTLP_PORT", "HOTEL_OTLP_HTTP_PORT" })
            Environment.SetEnvironmentVariable(port, EmbeddedPostgres.FreeTcpPort().ToString());

        AnsiConsole.MarkupLineInterpolated($"[bold]Hotel benchmark[/]: {Describe(settings)}; {Environment.ProcessorCount} cores");
        var ct = termination.Token;
        termination.OnForce(() => EmbeddedPostgres.StopImmediately(Path.Combine(scratch, "pg"))); // the services watch this pid; PostgreSQL does not
        try
        {
            await using var stack = await Step("Starting PostgreSQL, embedded Kafka, services and relay", () => LocalStack.StartAsync(root, options, loggers, ct));
            var measuring = MeasureAsync();
            var interrupted = Task.Delay(Timeout.Infinite, ct);
            var first = await Task.WhenAny(measuring, stack.ServiceGaveUp, interrupted);
            if (first == interrupted)
            {
                // The measurement is abandoned where it is (its figures would be partial); leaving this block stops the stack.
                _ = measuring.ContinueWith(t => t.Exception, TaskScheduler.Default);
                AnsiConsole.MarkupLine("[yellow]Interrupted: stopping the bench's services, relay and PostgreSQL…[/]");
                return Termination.ExitCode;
            }
            if (first != measuring)
            {
                var dead = stack.ServiceGaveUp.Result;
                throw new CliException($"{dead.Name} exited during the bench (code {dead.LastExitCode}); the bench does not restart services, so it stops. Its log: {Path.GetFileName(dead.LogFile)} among the service logs named below.");
            }
            return await measuring;

            async Task<int> MeasureAsync()
            {
                var bookingCs = stack.Postgres.ConnectionString("booking");
                using var http = LoadGenerator.NewClient(stack.UrlOf(stack.Services.Single(s => s.Name == "booking"), options.PortOf));
                var slots = await BookingSlots.LoadAsync(http, bookingCs);
                var paymentMethodIds = await Step($"Tokenising {TestCards} test cards", () => TestCardsAsync(stack, options.PortOf));

                var arrivals = new ConcurrentDictionary<Guid, DateTime>();
                using var listening = new CancellationTokenSource();
                using var eventsReader = KafkaReaders.Open(stack.BootstrapServers, "booking.events", Offset.End); // positioned before the first booking
                var listener = Task.Run(() => KafkaReaders.Listen(eventsReader, arrivals, listening.Token));

                var cpu = new SuiteCpu(stack);
                var suiteEffects = new SuiteEffects(stack);
                var runner = new BenchRunner(new LoadGenerator(http, paymentMethodIds), slots, cpu, suiteEffects, arrivals, TimeSpan.FromSeconds(settings.DrainSeconds));
                await Step($"Warm-up: {settings.WarmupBookings} bookings and their effects", async () => { await runner.WarmUpAsync(settings.WarmupBookings); return 0; });
                var (idlePercent, idleByProcess) = await Step($"Idle: CPU of the whole suite over {settings.IdleSeconds} s", () => IdleCpuAsync(cpu, settings.IdleSeconds));
                AnsiConsole.MarkupLineInterpolated($"  idle suite: {idlePercent:N1} % of one core");
                var pgRate = await Step($"Baseline: single-row inserts, 8 connections, {settings.BaselineSeconds} s", () => Baselines.PostgresInsertRateAsync(stack.Postgres, settings.BaselineSeconds));
                var kafkaRate = await Step("Baseline: Kafka produce→consume", () => Task.Run(() => Baselines.KafkaRate(stack, settings.Backlog)));

                List<RunMeasurement> runs;
                double? sustained = null;
                switch (settings.Mode)
                {
                    case LoadMode.FindMax:
                        (runs, sustained) = await FindMaxAsync(runner, settings);
                        break;
                    case LoadMode.ClosedLoop:
                        runs = [await Step($"Pipeline: {settings.Bookings} bookings, closed loop at concurrency {settings.Concurrency}", () => runner.ClosedLoopAsync(settings.Bookings, settings.Concurrency))];
                        BenchReport.PrintLine("run", runs[0].Figures);
                        break;
                    default:
                        runs = [await Step($"Pipeline: {settings.Rate:N0} bookings/s offered open-loop for {settings.Seconds} s", () => runner.OpenLoopAsync(settings.Rate, settings.Seconds))];
                        BenchReport.PrintLine("run", runs[0].Figures);
                        break;
                }
                double? recoverySeconds = null;
                if (settings.Recovery)
                {
                    var recovery = await Step($"Recovery: {settings.Rate:N0} bookings/s for {settings.Seconds} s, PostgreSQL restarted (immediate) a third of the way in",
                        () => RecoveryPhase.MeasureAsync(stack, runner, suiteEffects, settings.Rate, settings.Seconds));
                    recoverySeconds = recovery.RecoverySeconds;
                    AnsiConsole.MarkupLineInterpolated($"  recovery: {recovery.RecoverySeconds:N1} s from the end of the restart to every consumer's lag at 0 ({recovery.Load.Placed} bookings placed, {recovery.Load.Failed} answered 5xx or not at all)");
                }
                await listening.CancelAsync();
                await listener;
                var backlog = await Step($"Relay: backlog of {settings.Backlog} outbox events", () => Baselines.RelayBacklogAsync(stack, bookingCs, settings.Backlog));

                var reference = runs.LastOrDefault(r => r.Figures.Sustained && r.Figures.OfferedPerSecond == sustained)
                    ?? runs.MinBy(r => r.Figures.OfferedPerSecond ?? 0)!;
                var baselines = new BaselineFigures(pgRate, kafkaRate, backlog, reference.Figures.AchievedPerSecond / pgRate, backlog / kafkaRate);
                BenchReport.PrintTable(reference.Figures, baselines, idlePercent, idleByProcess, sustained);

                foreach (var stale in Directory.EnumerateFiles(dataDirectory, "bench*-latency-*.png")) File.Delete(stale); // a previous run's
                var plots = Plots.Write(reference, dataDirectory, "bench", Title(reference.Figures));
                if (settings.Mode == LoadMode.FindMax && runs.Where(r => !r.Figures.Sustained).MinBy(r => r.Figures.OfferedPerSecond) is { } overload)
                    plots.AddRange(Plots.Write(overload, dataDirectory, "bench-overload", Title(overload.Figures) + ", not sustained"));

                var effects = reference.Figures.Effects;
                var results = new BenchResults(DateTime.UtcNow, Environment.ProcessorCount, settings, idlePercent, idleByProcess, sustained,
                    reference.Figures.CpuMsPerBooking, reference.Figures.CpuMsPerBookingByProcess,
                    effects.Where(e => e.Effect.StartsWith("applied by ", StringComparison.Ordinal))
                        .ToDictionary(e => e.Effect["applied by ".Length..], e => EffectLatency.Of(e)!),
                    EffectLatency.Of(effects.FirstOrDefault(e => e.Effect == EffectSampling.BookingEvents)),
                    EffectLatency.Of(effects.FirstOrDefault(e => e.Effect == EffectSampling.ConfirmationMail)),
                    EffectLatency.Of(effects.FirstOrDefault(e => e.Effect == EffectSampling.ReceiptMail)),
                    baselines, reference.Figures, runs.Select(r => r.Figures).ToList(), plots.Select(Path.GetFileName).ToList()!, Peer: await LatestPeerFiguresAsync(dataDirectory), RecoverySeconds: recoverySeconds);
                var resultsFile = Path.Combine(dataDirectory, "bench-results.json");
                await File.WriteAllTextAsync(resultsFile, results.ToJson());
                AnsiConsole.MarkupLineInterpolated($"Figures also in {resultsFile}; plots: {string.Join(", ", plots.Select(Path.GetFileName))}");
                return 0;
            }
        }
        finally
        {
            KeepServiceLogs(scratch, dataDirectory);
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The services' logs of the last bench, kept in <c>.hotel/bench-logs</c> when the scratch directory goes.</summary>
    private static void KeepServiceLogs(string scratch, string dataDirectory)
    {
        var logs = Path.Combine(scratch, "logs");
        if (!Directory.Exists(logs)) return;
        var kept = Path.Combine(dataDirectory, "bench-logs");
        if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
        Directory.CreateDirectory(kept);
        foreach (var file in Directory.EnumerateFiles(logs)) File.Copy(file, Path.Combine(kept, Path.GetFileName(file)));
        AnsiConsole.MarkupLineInterpolated($"[grey]Service logs of this run: {kept}[/]");
    }

    private static string Describe(BenchSettings s) => s.Mode switch
    {
        LoadMode.FindMax => $"--find-max with steps of {s.Seconds} s up to {s.MaxRate:N0} bookings/s",
        LoadMode.ClosedLoop => $"{s.Bookings} bookings closed-loop at concurrency {s.Concurrency}",
        _ => $"{s.Rate:N0} bookings/s open-loop for {s.Seconds} s",
    } + $", relay backlog of {s.Backlog} events" + (s.Telemetry ? ", every process exporting telemetry to the dashboard" : "");

    private static string Title(RunFigures run) => run.OfferedPerSecond is { } r ? $"{r:N0} bookings/s offered" : run.Mode;

    /// <summary>Steps the offered rate up, then bisects (<see cref="FindMaxSearch"/>), a line per step; the highest rate sustained.</summary>
    private static async Task<(List<RunMeasurement> Steps, double Sustained)> FindMaxAsync(BenchRunner runner, BenchSettings settings)
    {
        var search = new FindMaxSearch(settings.MaxRate);
        var steps = new List<RunMeasurement>();
        while (search.Next() is { } rate)
        {
            var step = await runner.OpenLoopAsync(rate, settings.Seconds);
            steps.Add(step);
            search.Record(rate, step.Figures.Sustained);
            BenchReport.PrintLine($"step {steps.Count}", step.Figures);
        }
        return (steps, search.LastGood ?? 0);
    }

    /// <summary>The whole suite's CPU over a quiet interval: in total and per process, as % of one core.</summary>
    private static async Task<(double Percent, Dictionary<string, double> ByProcess)> IdleCpuAsync(SuiteCpu cpu, int seconds)
    {
        var before = await cpu.TakeAsync();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var after = await cpu.TakeAsync();
        var elapsed = (after.At - before.At).TotalSeconds;
        var byProcess = ProcessCpu.SecondsBetween(before, after).ToDictionary(p => p.Key, p => 100 * p.Value / elapsed);
        return (byProcess.Values.Sum(), byProcess);
    }

    private static async Task<T> Step<T>(string title, Func<Task<T>> work)
    {
        AnsiConsole.MarkupLineInterpolated($"[grey]…[/] {title}");
        var sw = Stopwatch.StartNew();
        var result = await work();
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {title} [grey]({sw.Elapsed.TotalSeconds:N1} s)[/]");
        return result;
    }

    /// <summary>
    /// The figures of the last <c>./hotel bench-peer</c> (the minimal flow, ours beside Wolverine: its own run, not this
    /// one), or null when it has not been run here.
    /// </summary>
    private static async Task<JsonElement?> LatestPeerFiguresAsync(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "bench-peer-results.json");
        if (!File.Exists(file)) return null;
        AnsiConsole.MarkupLineInterpolated($"Peer figures (./hotel bench-peer, {File.GetLastWriteTimeUtc(file):yyyy-MM-dd HH:mm} UTC) included from {file}");
        await using var stream = File.OpenRead(file);
        using var document = await JsonDocument.ParseAsync(stream);
        return document.RootElement.Clone();
    }

    private const int TestCards = 2000;

    /// <summary>
    /// Tokenised sandbox cards that always succeed (any Luhn-valid number that is not one of billing's failing test
    /// cards), each a different number and so a different fingerprint, so billing charges every booking.
    /// </summary>
    private static async Task<IReadOnlyList<string>> TestCardsAsync(LocalStack stack, Func<ServiceDefinition, int> portOf)
    {
        var billing = stack.Services.FirstOrDefault(s => s.Name == "billing");
        if (billing is null) return ["pm_bench"];
        using var http = new HttpClient { BaseAddress = new Uri(stack.UrlOf(billing, portOf)) };
        var ids = new string[TestCards];
        await Parallel.ForAsync(0, TestCards, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var response = await http.PostAsJsonAsync("/api/payment-methods",
                new { number = CardNumber(i), expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "Bench Guest", email = LoadGenerator.BenchGuestEmail(i) }, ct);
            response.EnsureSuccessStatusCode();
            ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        });
        return ids;
    }

    /// <summary>A 16-digit Visa-style number 424242…, different for each <paramref name="i"/>, with its Luhn check digit.</summary>
    private static string CardNumber(int i)
    {
        var body = "424242" + i.ToString("D9");
        var sum = 0;
        for (var k = 0; k < body.Length; k++)
        {
            var d = body[body.Length - 1 - k] - '0';
            if (k % 2 == 0) { d *= 2; if (d > 9) d -= 9; } // doubled: every second digit from the right, counting the check digit as first
            sum += d;
        }
        return body + (10 - sum % 10) % 10;
    }
}
