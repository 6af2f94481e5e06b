using System.Collections.Concurrent;

namespace Hotel.Cli.Bench;

/// <summary>A load window measured, with the samples behind its figures (for the plots).</summary>
public sealed record RunMeasurement(RunFigures Figures, List<EffectSamples> Effects, DateTime LoadStart);

/// <summary>
/// Runs one load window and measures it: CPU of every process just before and after the load, then waits until every
/// effect of the window's commits has happened (or the drain time is up) and reads commit→effect latencies.
/// </summary>
public sealed class BenchRunner(
    LoadGenerator load,
    BookingSlots slots,
    SuiteCpu cpu,
    SuiteEffects effects,
    ConcurrentDictionary<Guid, DateTime> bookingEventArrivals,
    TimeSpan drainTime)
{
    private readonly Dictionary<string, HashSet<string>> _consumedTypes = [];
    private bool _backlogLeft;

    public async Task<RunMeasurement> OpenLoopAsync(double perSecond, int seconds)
    {
        var planned = await slots.TakeAsync(Math.Max(1, (int)Math.Round(perSecond * seconds)));
        return await MeasureAsync("open loop", perSecond, () => load.OpenLoopAsync(planned, perSecond));
    }

    /// <summary>The open-loop load alone, reading nothing from the databases (the recovery phase restarts PostgreSQL meanwhile).</summary>
    public async Task<LoadResult> OfferAsync(double perSecond, int seconds)
    {
        var planned = await slots.TakeAsync(Math.Max(1, (int)Math.Round(perSecond * seconds)));
        return await load.OpenLoopAsync(planned, perSecond);
    }

    public async Task<RunMeasurement> ClosedLoopAsync(int bookings, int concurrency)
    {
        var planned = await slots.TakeAsync(bookings);
        return await MeasureAsync($"closed loop, concurrency {concurrency}", null, () => load.ClosedLoopAsync(planned, concurrency));
    }

    /// <summary>
    /// A few bookings before anything is measured: JIT, connection pools and caches warm, and the event types each
    /// consumer applies learnt from its inbox (the wait is done twice, so late effects such as EmailSent show up).
    /// </summary>
    public async Task WarmUpAsync(int bookings)
    {
        var planned = await slots.TakeAsync(bookings);
        var result = await load.ClosedLoopAsync(planned, 4);
        if (result.Placed == 0) throw new CliException($"no warm-up booking was placed ({result.Rejected} rejected, {result.Failed} failed).");
        for (var pass = 0; pass < 2; pass++)
        {
            var (_, samples, drained, _) = await WaitForEffectsAsync(result.StartedAt);
            if (!drained) throw new CliException($"the warm-up bookings' effects were not all done within {drainTime.TotalSeconds:N0} s: {Missing(samples)}.");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static Dictionary<string, double> TransactionsPerBooking(Dictionary<string, long> before, Dictionary<string, long> after, int bookings) =>
        after.Where(a => a.Key is not ("postgres" or "template0" or "template1" or Baselines.Database) && bookings > 0)
            .Select(a => (a.Key, PerBooking: (a.Value - before.GetValueOrDefault(a.Key)) / (double)bookings))
            .Where(a => a.PerBooking > 0)
            .ToDictionary(a => a.Key, a => a.PerBooking);

    private static string Missing(List<EffectSamples> effects) => string.Join("; ", effects
        .Select(e => (e.Name, Missing: e.Samples.Count(s => s.DoneAt is null), e.Samples.Count))
        .Where(e => e.Missing > 0)
        .Select(e => $"{e.Name} {e.Missing} of {e.Count} missing"));

    private async Task<RunMeasurement> MeasureAsync(string mode, double? offered, Func<Task<LoadResult>> run)
    {
        var startedWithBacklog = _backlogLeft;
        var transactionsBefore = await cpu.TransactionsAsync();
        var before = await cpu.TakeAsync();
        var result = await run();
        var after = await cpu.TakeAsync();
        var (snapshot, samples, drained, drainSeconds) = await WaitForEffectsAsync(result.StartedAt);
        var drainedAt = await cpu.TakeAsync();
        // Until every effect was done, so each booking's transactions are all in; the bench's own polling (one read a
        // second per service database, the admin database's snapshots) is left out or negligible.
        var transactionsAfter = await cpu.TransactionsAsync();
        _backlogLeft = !drained;

        var endOfLoad = result.EndedAt;
        var effectFigures = samples.Select(s => EffectFigures.Of(s, snapshot.ReadAt, result.StartedAt, endOfLoad, byType: true)).ToList();
        var placed = result.Requests.Where(r => r.Status == 201).ToList();
        var api = placed.Select(r => r.DoneMs - r.DueMs).Order().ToArray();
        var lateness = result.Requests.Select(r => r.SentMs - r.DueMs).ToArray();
        var cpuSeconds = ProcessCpu.SecondsBetween(before, after);
        var perBooking = cpuSeconds.ToDictionary(c => c.Key, c => placed.Count == 0 ? double.NaN : c.Value * 1000 / placed.Count);
        // The whole cost of the window's bookings when consumers lag: to the end of the drain (idle work and the bench's polling included).
        var untilDrained = placed.Count == 0 ? double.NaN : ProcessCpu.SecondsBetween(before, drainedAt).Values.Sum() * 1000 / placed.Count;
        var achieved = placed.Count / Math.Max(result.Seconds, 0.001);
        var notSustained = RunFigures.Judge(offered, achieved, result.Requests.Count, result.Failed, effectFigures);
        if (!drained) notSustained = (notSustained is null ? "" : notSustained + "; ") + $"effects not all done {drainTime.TotalSeconds:N0} s after the load";

        var runFigures = new RunFigures(mode, offered, result.Requests.Count, placed.Count, result.Rejected, result.Failed, result.Seconds, achieved,
            lateness.Count(l => l > RunFigures.LateMs), lateness.DefaultIfEmpty(0).Max(),
            Percentiles.Of(api, 50), Percentiles.Of(api, 99), effectFigures,
            perBooking.Values.Sum(), perBooking, cpuSeconds, untilDrained, startedWithBacklog, drained, drainSeconds, notSustained,
            TransactionsPerBooking(transactionsBefore, transactionsAfter, placed.Count));
        return new RunMeasurement(runFigures, samples, result.StartedAt);
    }

    /// <summary>Reads the effects of everything committed since <paramref name="since"/> until all have happened or the drain time is up.</summary>
    private async Task<(EffectsSnapshot Snapshot, List<EffectSamples> Samples, bool Drained, double Seconds)> WaitForEffectsAsync(DateTime since)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var snapshot = await effects.ReadAsync(since);
            foreach (var (consumer, applied) in snapshot.AppliedByConsumer)
            {
                var types = _consumedTypes.TryGetValue(consumer, out var known) ? known : _consumedTypes[consumer] = [];
                types.UnionWith(applied.Select(a => a.EventType).Where(t => t.Length > 0));
            }
            var samples = EffectSampling.Build(snapshot, _consumedTypes, bookingEventArrivals);
            var drained = samples.All(e => e.Samples.All(s => s.DoneAt is not null));
            if (drained || waited.Elapsed > drainTime) return (snapshot, samples, drained, waited.Elapsed.TotalSeconds);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
