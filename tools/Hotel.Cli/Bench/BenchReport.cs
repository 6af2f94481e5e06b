using Spectre.Console;

namespace Hotel.Cli.Bench;

/// <summary>What the bench prints: a line per run or step, and the table of the reference window and baselines.</summary>
public static class BenchReport
{
    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms >= 1000 ? $"{ms / 1000:N1} s" : $"{ms:N0} ms";

    private static string Short(string effect) => effect.StartsWith("applied by ", StringComparison.Ordinal) ? effect["applied by ".Length..] : effect.Replace(" accepted", "");

    /// <summary>One line: offered and achieved rate, API latency, each effect's p99 and a growing backlog, CPU per booking, the verdict.</summary>
    public static void PrintLine(string label, RunFigures run)
    {
        var offered = run.OfferedPerSecond is { } r ? $"{r:N0}/s offered, " : "";
        var effects = string.Join(" · ", run.Effects.Where(e => e.Effect != EffectSampling.ReceiptFromBooking).Select(e =>
            $"{Short(e.Effect)} p99 {Ms(e.P99Ms)}{(e.Complete ? "" : $" ({e.Expected - e.Done} not done)")}{(e.BacklogGrowing ? $" backlog +{e.BacklogGrowthPerSecond:N0}/s" : "")}"));
        var verdict = run.OfferedPerSecond is null ? "" : run.Sustained ? " → [green]sustained[/]" : $" → [red]not sustained[/]: {Markup.Escape(run.NotSustainedBecause!)}";
        AnsiConsole.MarkupLine(Markup.Escape($"{label}: {offered}{run.AchievedPerSecond:N1}/s committed · API p50 {Ms(run.ApiP50Ms)} p99 {Ms(run.ApiP99Ms)} · " +
            $"{effects} · {run.CpuMsPerBooking:N1} CPU-ms/booking") + verdict);
    }

    public static void PrintTable(RunFigures run, BaselineFigures baselines, double idlePercent, Dictionary<string, double> idleByProcess, double? sustained)
    {
        var table = new Table().Title("[bold]Results[/]").AddColumn("measure").AddColumn("figure");
        void Row(string measure, string value) => table.AddRow(Markup.Escape(measure), Markup.Escape(value));

        Row("Idle suite CPU (before the load)", $"{idlePercent:N1} % of one core  ({string.Join(", ", idleByProcess.Where(p => p.Value >= 0.5).OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:N1} %"))})");
        if (sustained is not null) Row("Sustained (--find-max)", $"{sustained:N0} bookings/s");
        Row("Window measured", $"{run.Mode}{(run.OfferedPerSecond is { } r ? $", {r:N0} bookings/s offered" : "")}, {run.LoadSeconds:N1} s");
        Row("Bookings committed (HTTP 201)", $"{run.AchievedPerSecond:N1} bookings/s  ({run.Placed} placed, {run.Rejected} rejected, {run.Failed} failed)");
        if (run.OfferedPerSecond is not null)
            Row("  sends behind schedule", $"{run.SendsBehindSchedule} of {run.Offered} left over {RunFigures.LateMs:N0} ms late (worst {Ms(run.MaxSendLatenessMs)})");
        Row("  API latency", $"p50 {Ms(run.ApiP50Ms)} · p99 {Ms(run.ApiP99Ms)}");
        Row("  ratio to PostgreSQL insert baseline", $"{baselines.BookingsToPostgresInsertRatio:P1}");
        foreach (var e in run.Effects)
        {
            Row($"commit→{e.Effect}", Describe(e));
            foreach (var (type, t) in e.ByEventType ?? []) Row($"    {type}", Describe(t));
        }
        Row("CPU per booking, whole suite (load window)", $"{run.CpuMsPerBooking:N1} ms  ({run.CpuMsPerBookingUntilDrained:N1} ms counting until every effect was done, {run.SecondsToDrain:N0} s later)");
        foreach (var (process, ms) in run.CpuMsPerBookingByProcess.OrderByDescending(p => p.Value))
            Row($"  {process}", $"{ms:N2} ms  ({run.CpuSecondsByProcess[process]:N1} CPU-s)");
        if (run.TransactionsPerBookingByDatabase is { Count: > 0 } transactions)
            Row("PostgreSQL transactions per booking (until drained)", $"{transactions.Values.Sum():N1}  ({string.Join(", ",
                transactions.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value:N1}"))})");
        Row("PostgreSQL single-row inserts (8 connections)", $"{baselines.PostgresInsertRowsPerSecond:N0} rows/s");
        Row("Kafka produce→consume (embedded broker)", $"{baselines.KafkaProduceConsumeMessagesPerSecond:N0} msgs/s");
        Row("Relay throughput on a backlog", $"{baselines.RelayBacklogEventsPerSecond:N0} events/s");
        Row("  ratio to Kafka produce→consume baseline", $"{baselines.RelayToKafkaRatio:P1}");
        AnsiConsole.Write(table);
    }

    private static string Describe(EffectFigures e) =>
        $"p50 {Ms(e.P50Ms)} · p95 {Ms(e.P95Ms)} · p99 {Ms(e.P99Ms)} · max {Ms(e.MaxMs)} · {e.Done}/{e.Expected} done" +
        (double.IsNaN(e.PerSecond) ? "" : $" · {e.PerSecond:N0}/s") +
        (e.BacklogGrowing ? $" · backlog grows {e.BacklogGrowthPerSecond:N1}/s" : "");
}
