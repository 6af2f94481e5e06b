using System.Text.Json;

namespace Hotel.Eventing.Consuming;

/// <summary>A message value decoded into its typed event, in either form the two relays write it.</summary>
public static class EventPayload
{
    /// <summary>
    /// The event in <paramref name="value"/>: the payload JSON itself (the built-in relay, and Debezium's router
    /// when it expands it), or a JSON string holding it — what Debezium 3.0's router emits when it cannot
    /// expand a payload (a heterogeneous array, a number beyond 64 bits).
    /// </summary>
    /// <exception cref="PoisonMessageException">The value is empty, null or a string that does not hold the event.</exception>
    /// <exception cref="JsonException">The value is not JSON of the event's shape.</exception>
    public static IntegrationEvent Deserialize(string? value, Type eventType)
    {
        var json = value ?? "";
        if (json.AsSpan().TrimStart().StartsWith("\""))
        {
            var inner = JsonSerializer.Deserialize<string>(json);
            try
            {
                return JsonSerializer.Deserialize(inner ?? "", eventType, EventJson.Options) as IntegrationEvent
                    ?? throw new JsonException("it holds null");
            }
            catch (JsonException e)
            {
                throw new PoisonMessageException(
                    $"The payload is a JSON string (as Debezium's outbox router emits a payload it cannot expand), and its content is not a {eventType.Name}: {e.Message}");
            }
        }
        return JsonSerializer.Deserialize(json, eventType, EventJson.Options) as IntegrationEvent
            ?? throw new PoisonMessageException($"The payload is empty or null, not a {eventType.Name}.");
    }
}
