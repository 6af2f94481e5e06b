using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Hotel.Eventing.Outbox;

public static class OutboxExtensions
{
    /// <summary>
    /// Adds <paramref name="event"/> to the outbox; it is written by the same <c>SaveChanges</c>
    /// (and so the same transaction) as the state change it describes.
    /// </summary>
    public static OutboxMessage AddToOutbox(this DbContext db, string aggregateType, string aggregateId, IntegrationEvent @event)
    {
        var message = new OutboxMessage
        {
            Id = @event.Id,
            AggregateType = aggregateType,
            AggregateId = aggregateId,
            Type = EventTypes.NameOf(@event.GetType()),
            Payload = JsonSerializer.Serialize(@event, @event.GetType(), EventJson.Options),
            Timestamp = @event.OccurredAt,
            TracingSpanContext = Activity.Current?.Id is { } id && Activity.Current.IdFormat == ActivityIdFormat.W3C ? id : null,
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }
}
