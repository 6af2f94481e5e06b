namespace Hotel.Eventing.DeadLetters;

/// <summary>Headers a dead-lettered message carries on <c>&lt;topic&gt;.dlq</c>, besides its original ones.</summary>
public static class DeadLetterHeaders
{
    public const string Error = "dlq-error";
    public const string SourceTopic = "dlq-source-topic";
    public const string SourcePartition = "dlq-source-partition";
    public const string SourceOffset = "dlq-source-offset";
    public const string FailedAt = "dlq-failed-at";

    /// <summary>The consumer group that gave up on the message.</summary>
    public const string ConsumerGroup = "dlq-consumer-group";

    /// <summary>
    /// Set on a replayed message: only this consumer group processes it; every other group on the
    /// topic passes it by, so a replay for one service does not dead-letter it again in the others.
    /// </summary>
    public const string ReplayForGroup = "dlq-replay-for-group";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Error, SourceTopic, SourcePartition, SourceOffset, FailedAt, ConsumerGroup, ReplayForGroup };
}
