using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotel.Cli.Bench;

/// <summary>
/// <c>bench-results.json</c>. The top-level figures come from the reference window: the <c>--rate</c> or
/// <c>--bookings</c> run, or under <c>--find-max</c> the step at the sustained rate (the lowest step when none was
/// sustained). <see cref="Peer"/> holds the figures of the last <c>./hotel bench-peer</c> (the minimal flow, ours beside
/// Wolverine, measured by the bench-only project in a run of its own), null when it has not been run.
/// <see cref="RecoverySeconds"/>: with <c>--recovery</c>, from the end of an immediate PostgreSQL restart under the
/// offered load to every consumer's lag back at 0 (<see cref="RecoveryPhase"/>); null without it.
/// </summary>
public sealed record BenchResults(
    DateTime MeasuredAt,
    int Cores,
    BenchSettings Settings,
    double IdleCpuPercent,
    Dictionary<string, double> IdleCpuPercentByProcess,
    double? SustainedBookingsPerSecond,
    double CpuMsPerBooking,
    Dictionary<string, double> CpuMsPerBookingByProcess,
    Dictionary<string, EffectLatency> Consumers,
    EffectLatency? BookingEvents,
    EffectLatency? ConfirmationMail,
    EffectLatency? ReceiptMail,
    BaselineFigures Baselines,
    RunFigures Reference,
    List<RunFigures> Runs,
    List<string> Plots,
    JsonElement? Peer,
    double? RecoverySeconds = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // NaN: nothing to measure (no samples)
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>Commit→effect of one consumer (all the event types it applies, and each) or of a mail.</summary>
public sealed record EffectLatency(double P50Ms, double P99Ms, double MaxMs, int Done, int Expected, Dictionary<string, EffectLatency>? ByEventType)
{
    public static EffectLatency? Of(EffectFigures? e) => e is null ? null
        : new(e.P50Ms, e.P99Ms, e.MaxMs, e.Done, e.Expected, e.ByEventType?.ToDictionary(t => t.Key, t => Of(t.Value)!));
}

public sealed record BaselineFigures(
    double PostgresInsertRowsPerSecond,
    double KafkaProduceConsumeMessagesPerSecond,
    double RelayBacklogEventsPerSecond,
    double BookingsToPostgresInsertRatio,
    double RelayToKafkaRatio);
