namespace Hotel.Eventing.Inbox;

/// <summary>An event this service has applied, recorded in the same transaction as its effect.</summary>
public sealed class InboxMessage
{
    public Guid EventId { get; set; }
    public required string EventType { get; set; }
    public required string Topic { get; set; }
    public DateTimeOffset ProcessedAt { get; set; }
}
