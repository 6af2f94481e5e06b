namespace Hotel.Eventing.DeadLetters;

/// <summary>Headers a dead-lettered message carries on <c>&lt;topic&gt;.dlq</c>, besides its original ones.</summary>
public static class DeadLetterHeaders
{
    public const string Error = "dlq-error";
    public const string SourceTopic = "dlq-source-topic";
    public const string SourcePartition = "dlq-source-partition";
    public const string SourceOffset = "dlq-source-offset";
    public const string FailedAt = "dlq-failed-at";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Error, SourceTopic, SourcePartition, SourceOffset, FailedAt };
}
