using System.Text;
using Confluent.Kafka;
using Hotel.Eventing;

namespace Hotel.Cdc;

/// <summary>An outbox row as captured, and the Kafka message Debezium's Outbox Event Router makes of it.</summary>
public sealed record OutboxRecord(
    Guid Id, string AggregateType, string AggregateId, string Type, string Payload, DateTimeOffset Timestamp, string? TracingSpanContext)
{
    public string Topic => Topics.ForAggregate(AggregateType);

    /// <summary>key = aggregateid, value = the payload JSON itself (expanded), headers id, eventType and traceparent.</summary>
    public Message<string, string> ToMessage()
    {
        var headers = new Headers
        {
            { EventHeaders.Id, Encoding.UTF8.GetBytes(Id.ToString()) },
            { EventHeaders.EventType, Encoding.UTF8.GetBytes(Type) },
        };
        if (!string.IsNullOrEmpty(TracingSpanContext))
            headers.Add(EventHeaders.TraceParent, Encoding.UTF8.GetBytes(TracingSpanContext));
        return new Message<string, string> { Key = AggregateId, Value = Payload, Headers = headers };
    }
}
