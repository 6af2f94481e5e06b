namespace Hotel.Eventing.Outbox;

/// <summary>
/// One row of the <c>outbox</c> table, in the column layout Debezium's Outbox Event Router expects
/// by default. Rows are written in the same transaction as the state change they describe, captured
/// from the WAL, and kept as an archive for a retention period.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>Routes the event: topic <c>&lt;aggregatetype&gt;.events</c>.</summary>
    public required string AggregateType { get; set; }

    /// <summary>The Kafka message key, so one aggregate's events keep their order.</summary>
    public required string AggregateId { get; set; }

    /// <summary>The event type: the <c>eventType</c> header.</summary>
    public required string Type { get; set; }

    /// <summary>The event JSON (jsonb): the Kafka message value.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    /// <summary>W3C <c>traceparent</c> of the writing request, so traces cross the CDC hop.</summary>
    public string? TracingSpanContext { get; set; }
}
