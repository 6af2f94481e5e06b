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

/// <summary>Settings of one <see cref="KafkaConsumerHost{TDbContext}"/>.</summary>
public sealed class EventConsumerOptions
{
    public required string GroupId { get; init; }

    /// <summary>Kafka client id (logs, broker metrics); defaults to the group id and the machine name.</summary>
    public string? ClientId { get; set; }

    public List<string> Topics { get; } = [];

    public Dictionary<string, EventRegistration> Registrations { get; } = new(StringComparer.Ordinal);

    /// <summary>Attempts per message before it becomes a dead letter (default 3).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Whether the host starts with the application (the default). Off for a service that runs the
    /// consumer itself, e.g. to stop it and start another in a new group (customer care's rebuild).
    /// </summary>
    public bool RunAsHostedService { get; set; } = true;

    /// <summary>Wait before the second attempt; doubles for each further one (default 100 ms).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Stored offsets are committed at least this often while messages flow (default 100 ms)…</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>…or after this many messages, whichever comes first (default 100).</summary>
    public int CommitBatchSize { get; set; } = 100;

    /// <summary>How often the consumer-lag gauge is refreshed (default 1 s).</summary>
    public TimeSpan LagInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one poll blocks when there is nothing to read (default 100 ms).</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromMilliseconds(100);
}
