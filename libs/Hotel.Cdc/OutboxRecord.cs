using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Hotel.Eventing;
using Hotel.Eventing.Consuming;

namespace Hotel.Cdc;

/// <summary>An outbox row as captured, and the Kafka message Debezium's Outbox Event Router makes of it.</summary>
public sealed record OutboxRecord(
    Guid Id, string AggregateType, string AggregateId, string Type, string Payload, DateTimeOffset Timestamp, string? TracingSpanContext)
{
    public string Topic => Topics.ForAggregate(AggregateType);

    /// <summary>
    /// The relay's span for this event, a child of the writer's (the row's traceparent), or null when the row carries no
    /// trace or nobody listens. <see cref="Activity.Current"/> is left as it was: the next row's span is not its child.
    /// </summary>
    public Activity? StartPublishActivity()
    {
        if (!ConsumerTelemetry.ActivitySource.HasListeners() || !ActivityContext.TryParse(TracingSpanContext, null, isRemote: true, out var parent)) return null;
        var previous = Activity.Current;
        var activity = ConsumerTelemetry.ActivitySource.StartActivity($"publish {Topic}", ActivityKind.Producer, parent);
        Activity.Current = previous;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "publish");
            activity.SetTag("messaging.destination.name", Topic);
            activity.SetTag("messaging.kafka.message.key", AggregateId);
            activity.SetTag("messaging.message.id", Id.ToString());
            activity.SetTag("hotel.event_type", Type);
        }
        return activity;
    }

    /// <summary>
    /// key = aggregateid, value = the payload JSON itself (expanded), headers id, eventType and traceparent: that of
    /// <paramref name="publish"/> when the relay traced it (consumers continue from the relay's span), else the row's.
    /// </summary>
    public Message<string, string> ToMessage(Activity? publish = null)
    {
        var headers = new Headers
        {
            { EventHeaders.Id, Encoding.UTF8.GetBytes(Id.ToString()) },
            { EventHeaders.EventType, Encoding.UTF8.GetBytes(Type) },
        };
        if ((publish?.Id ?? TracingSpanContext) is { Length: > 0 } traceParent)
            headers.Add(EventHeaders.TraceParent, Encoding.UTF8.GetBytes(traceParent));
        return new Message<string, string> { Key = AggregateId, Value = Payload, Headers = headers };
    }
}
