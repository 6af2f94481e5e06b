using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotel.Eventing;

/// <summary>
/// Base of every event a service publishes through its outbox. The wire name is the class name
/// without the <c>IntegrationEvent</c> suffix (<c>BookingPlacedIntegrationEvent</c> → <c>BookingPlaced</c>);
/// the payload carries <see cref="Version"/> so consumers can tell schema versions apart.
/// </summary>
public abstract record IntegrationEvent
{
    /// <summary>Event id: the Kafka header <c>id</c>, and the key consumers deduplicate on.</summary>
    [JsonIgnore]
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;

    public int Version { get; init; } = 1;
}

public static class EventTypes
{
    private const string Suffix = "IntegrationEvent";

    /// <summary>The wire name of an event type: its class name less the <c>IntegrationEvent</c> suffix.</summary>
    public static string NameOf(Type eventType) =>
        eventType.Name.EndsWith(Suffix, StringComparison.Ordinal) ? eventType.Name[..^Suffix.Length] : eventType.Name;

    public static string NameOf<TEvent>() where TEvent : IntegrationEvent => NameOf(typeof(TEvent));
}

/// <summary>The one JSON shape of event payloads: camelCase, unknown fields ignored when reading.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>Topic names, the same for the built-in relay and Debezium's outbox router.</summary>
public static class Topics
{
    /// <summary><c>&lt;aggregatetype&gt;.events</c>, e.g. <c>booking.events</c>.</summary>
    public static string ForAggregate(string aggregateType) => $"{aggregateType}.events";

    public static string DeadLetter(string topic) => $"{topic}.dlq";
}

/// <summary>Kafka header names, as Debezium's Outbox Event Router writes them.</summary>
public static class EventHeaders
{
    public const string Id = "id";
    public const string EventType = "eventType";
    public const string TraceParent = "traceparent";
}
