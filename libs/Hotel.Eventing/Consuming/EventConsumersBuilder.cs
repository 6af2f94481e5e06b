using MassTransit;
using MassTransit.Mediator;

namespace Hotel.Eventing.Consuming;

/// <summary>
/// The one visible list of what a service consumes: topics, and for each event type the CLR type and
/// the MassTransit (Mediator) consumer that applies it. Built by <see cref="EventConsumerExtensions.AddEventConsumers{TDbContext}(Microsoft.Extensions.Hosting.IHostApplicationBuilder, string, Action{EventConsumersBuilder})"/>.
/// </summary>
public sealed class EventConsumersBuilder
{
    internal EventConsumersBuilder(EventConsumerOptions options) => Options = options;

    /// <summary>Settings of the consumer host (retries, commit cadence, client id); change them here.</summary>
    public EventConsumerOptions Options { get; }

    internal List<Type> ConsumerTypes { get; } = [];

    /// <summary>Subscribes the consumer group to <paramref name="topics"/> (e.g. <c>payment.events</c>).</summary>
    public EventConsumersBuilder Subscribe(params string[] topics)
    {
        foreach (var topic in topics)
        {
            if (string.IsNullOrWhiteSpace(topic)) throw new ArgumentException("A topic name is empty.", nameof(topics));
            if (!Options.Topics.Contains(topic)) Options.Topics.Add(topic);
        }
        return this;
    }

    /// <summary>
    /// Dispatches events whose <c>eventType</c> header is <paramref name="eventType"/> (default: the wire
    /// name of <typeparamref name="TEvent"/>, see <see cref="EventTypes.NameOf(Type)"/>) to <typeparamref name="THandler"/>.
    /// Several handlers may consume one event type; each is called in the same transaction.
    /// </summary>
    public EventConsumersBuilder Add<TEvent, THandler>(string? eventType = null)
        where TEvent : IntegrationEvent
        where THandler : class, IConsumer<TEvent>
    {
        var name = eventType ?? EventTypes.NameOf<TEvent>();
        if (Options.Registrations.TryGetValue(name, out var existing))
        {
            if (existing.EventType != typeof(TEvent))
                throw new InvalidOperationException($"Event type '{name}' is already mapped to {existing.EventType.Name}, cannot map it to {typeof(TEvent).Name} too.");
        }
        else
        {
            Options.Registrations[name] = new EventRegistration(name, typeof(TEvent),
                (mediator, @event, ct) => mediator.Send((TEvent)@event, ct));
        }
        if (!ConsumerTypes.Contains(typeof(THandler))) ConsumerTypes.Add(typeof(THandler));
        return this;
    }

    /// <summary>Bounded retries: <paramref name="attempts"/> in all, waiting baseDelay, 2×baseDelay, 4×baseDelay… between them.</summary>
    public EventConsumersBuilder Retry(int attempts, TimeSpan baseDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        Options.MaxAttempts = attempts;
        Options.RetryBaseDelay = baseDelay;
        return this;
    }
}

/// <summary>How one wire event type is decoded and dispatched.</summary>
public sealed record EventRegistration(
    string Name,
    Type EventType,
    Func<IScopedMediator, IntegrationEvent, CancellationToken, Task> Dispatch);
