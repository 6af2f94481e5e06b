using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hotel.Eventing.Consuming;

/// <summary>Traces and metrics of the consumers, under the shared name <c>Hotel</c>.</summary>
public static class ConsumerTelemetry
{
    public const string Name = "Hotel";

    public static readonly ActivitySource ActivitySource = new(Name);
    private static readonly Meter Meter = new(Name);

    private static readonly ConcurrentDictionary<(string Group, string Topic, int Partition), long> Lags = new();

    internal static readonly Counter<long> Processed = Meter.CreateCounter<long>(
        "hotel.consumer.events_processed", "{event}", "Events applied by a consumer group (duplicates and skipped types excluded)");

    internal static readonly Counter<long> Skipped = Meter.CreateCounter<long>(
        "hotel.consumer.events_skipped", "{event}", "Messages passed over: already in the inbox, or an event type with no handler");

    internal static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "hotel.consumer.events_dead_lettered", "{event}", "Messages that became dead letters after bounded retries");

    internal static readonly Counter<long> TransientFailures = Meter.CreateCounter<long>(
        "hotel.consumer.transient_failures", "{failure}", "Runs stopped by a transient failure (database or network away); the partition waits and tries again");

    internal static readonly Histogram<double> EndToEndLatency = Meter.CreateHistogram<double>(
        "hotel.consumer.end_to_end_latency", "ms", "From the Kafka message timestamp to the end of its processing");

    private static readonly ObservableGauge<long> LagGauge = Meter.CreateObservableGauge(
        "hotel.consumer.lag", ObserveLag, "{message}", "Messages between a partition's high watermark and the group's position");

    internal static void SetLag(string group, string topic, int partition, long lag) => Lags[(group, topic, partition)] = lag;

    internal static void RemoveLag(string group, string topic, int partition) => Lags.TryRemove((group, topic, partition), out _);

    /// <summary>The last lag measured for a partition, or null (for tests and health checks).</summary>
    public static long? LagOf(string group, string topic, int partition) =>
        Lags.TryGetValue((group, topic, partition), out var lag) ? lag : null;

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var ((group, topic, partition), lag) in Lags)
            yield return new Measurement<long>(lag,
                new KeyValuePair<string, object?>("messaging.consumer.group.name", group),
                new KeyValuePair<string, object?>("messaging.destination.name", topic),
                new KeyValuePair<string, object?>("messaging.destination.partition.id", partition));
    }
}
