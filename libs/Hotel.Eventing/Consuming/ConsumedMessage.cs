using System.Text.Json;
using Confluent.Kafka;
using Hotel.Eventing.DeadLetters;

namespace Hotel.Eventing.Consuming;

/// <summary>
/// One fetched Kafka message, read once: passed over (a type this service does not handle, or a
/// dead-letter replay meant for another group), poison (headers or payload that can never decode),
/// or the typed event to apply.
/// </summary>
internal sealed class ConsumedMessage
{
    private ConsumedMessage(ConsumeResult<string?, string?> result) => Result = result;

    public ConsumeResult<string?, string?> Result { get; }
    public string? EventType { get; private init; }
    public Guid? EventId { get; private init; }
    public IntegrationEvent? Event { get; private init; }
    public EventRegistration? Registration { get; private init; }

    /// <summary>Why the message is passed over (null when it is to be applied or is poison).</summary>
    public string? SkipReason { get; private init; }

    /// <summary>Why the message can never be applied; it becomes a dead letter after one attempt.</summary>
    public Exception? Poison { get; private init; }

    public static ConsumedMessage Read(ConsumeResult<string?, string?> result, EventConsumerOptions options)
    {
        var headers = result.Message.Headers;
        if (MessageHeaders.GetString(headers, DeadLetterHeaders.ReplayForGroup) is { Length: > 0 } replayFor && replayFor != options.GroupId)
            return new(result) { SkipReason = $"a dead-letter replay for consumer group {replayFor}" };
        var eventType = MessageHeaders.GetString(headers, EventHeaders.EventType);
        if (string.IsNullOrEmpty(eventType))
            return new(result) { SkipReason = $"no {EventHeaders.EventType} header" };
        if (!options.Registrations.TryGetValue(eventType, out var registration))
            return new(result) { EventType = eventType, SkipReason = $"no handler for event type {eventType}" };

        var idText = MessageHeaders.GetString(headers, EventHeaders.Id);
        if (!Guid.TryParse(idText, out var eventId))
            return new(result) { EventType = eventType, Poison = new PoisonMessageException($"The {EventHeaders.Id} header is missing or not a UUID: '{idText}'.") };
        try
        {
            var @event = EventPayload.Deserialize(result.Message.Value, registration.EventType);
            @event.Id = eventId;
            return new(result) { EventType = eventType, EventId = eventId, Event = @event, Registration = registration };
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or PoisonMessageException)
        {
            return new(result) { EventType = eventType, EventId = eventId, Poison = e }; // decoding is deterministic: retrying cannot help
        }
    }
}

/// <summary>A message that can never be processed as it is (bad headers or payload).</summary>
public sealed class PoisonMessageException(string message) : Exception(message);
