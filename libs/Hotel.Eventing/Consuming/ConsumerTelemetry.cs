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

    /// <summary>
    /// The partitions each consumer host (the owner) holds and their last measured lag (<see cref="NotMeasured"/> until the
    /// first measurement). A partition is added when assigned and removed when revoked, lost or the host stops, so the gauge
    /// and <see cref="OwnedBy"/> count only what an instance owns, also with two hosts of one group in a process (tests).
    /// </summary>
    private static readonly ConcurrentDictionary<(object Owner, string Group, string Topic, int Partition), long> Lags = new();

    private const long NotMeasured = -1;

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

    internal static void Assigned(object owner, string group, string topic, int partition) => Lags.TryAdd((owner, group, topic, partition), NotMeasured);

    /// <summary>Records a held partition's lag; one revoked meanwhile stays out.</summary>
    internal static void SetLag(object owner, string group, string topic, int partition, long lag)
    {
        var key = (owner, group, topic, partition);
        if (Lags.TryGetValue(key, out var previous)) Lags.TryUpdate(key, lag, previous);
    }

    internal static void Released(object owner, string group, string topic, int partition) => Lags.TryRemove((owner, group, topic, partition), out _);

    internal static void ReleaseAll(object owner)
    {
        foreach (var key in Lags.Keys.Where(k => ReferenceEquals(k.Owner, owner))) Lags.TryRemove(key, out _);
    }

    /// <summary>The last lag measured for a partition by a host of this process that owns it, or null (for tests).</summary>
    public static long? LagOf(string group, string topic, int partition) =>
        Lags.Where(l => l.Key.Group == group && l.Key.Topic == topic && l.Key.Partition == partition && l.Value != NotMeasured)
            .Select(l => (long?)l.Value).FirstOrDefault();

    /// <summary>The partitions <paramref name="owner"/> (a consumer host) holds now, with their last measured lag (null: not yet).</summary>
    public static IReadOnlyList<OwnedPartition> OwnedBy(object owner) =>
        [.. Lags.Where(l => ReferenceEquals(l.Key.Owner, owner))
            .Select(l => new OwnedPartition(l.Key.Topic, l.Key.Partition, l.Value == NotMeasured ? null : l.Value))
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)];

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var ((_, group, topic, partition), lag) in Lags)
        {
            if (lag == NotMeasured) continue;
            yield return new Measurement<long>(lag,
                new KeyValuePair<string, object?>("messaging.consumer.group.name", group),
                new KeyValuePair<string, object?>("messaging.destination.name", topic),
                new KeyValuePair<string, object?>("messaging.destination.partition.id", partition));
        }
    }
}

/// <summary>A partition a consumer host holds, and its lag when measured.</summary>
public sealed record OwnedPartition(string Topic, int Partition, long? Lag);
