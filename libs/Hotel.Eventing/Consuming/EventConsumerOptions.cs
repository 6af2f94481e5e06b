namespace Hotel.Eventing.Consuming;

/// <summary>
/// Settings of one <see cref="KafkaConsumerHost{TDbContext}"/>. A record, so a variant is derived with
/// <c>options with { GroupId = … }</c> (customer care's rebuild runs the same consumer in a new group).
/// </summary>
public sealed record EventConsumerOptions
{
    public required string GroupId { get; init; }

    /// <summary>Kafka client id (logs, broker metrics); defaults to the group id and the machine name.</summary>
    public string? ClientId { get; set; }

    public List<string> Topics { get; init; } = [];

    public Dictionary<string, EventRegistration> Registrations { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Attempts per message before it becomes a dead letter (default 3); transient failures do not count.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Whether the host starts with the application (the default). Off for a service that runs the
    /// consumer itself, e.g. to stop it and start another in a new group (customer care's rebuild).
    /// </summary>
    public bool RunAsHostedService { get; set; } = true;

    /// <summary>Wait before the second attempt; doubles for each further one (default 100 ms).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most messages applied in one transaction (default 200); 1 applies them one at a time.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// How long a batch keeps taking messages the client has already fetched before it is applied
    /// (default 5 ms). The host never waits for more to arrive: a lone message is applied at once.
    /// </summary>
    public TimeSpan BatchAge { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Stored offsets are committed at least this often while messages flow (default 100 ms)…</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>…or after this many messages, whichever comes first (default 100).</summary>
    public int CommitBatchSize { get; set; } = 100;

    /// <summary>How often the consumer-lag gauge is refreshed (default 1 s).</summary>
    public TimeSpan LagInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: RetryBaseDelay doubled per attempt, at most RetryMaxDelay.</summary>
    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20)), RetryMaxDelay.TotalMilliseconds));

    /// <summary>
    /// How many transactions apply a poll's messages at once (default 4): partition number modulo this picks the lane,
    /// and each lane applies all its partitions' messages in one transaction. Each takes a database connection;
    /// handlers wait on the database and a gateway far more than they compute, so a few at once keep two cores busy.
    /// </summary>
    public int MaxConcurrentPartitions { get; set; } = 4;

    /// <summary>
    /// The longest wait between attempts (default 30 s), also while a transient failure (database restart, connection
    /// lost, deadlock) lasts: those attempts have no limit.
    /// </summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one poll blocks when there is nothing to read (default 500 ms; a message ends it at once).</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
