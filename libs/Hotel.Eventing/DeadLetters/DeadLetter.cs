namespace Hotel.Eventing.DeadLetters;

/// <summary>
/// A message that could not be processed after bounded retries. Kept in the service's own database
/// (the embedded broker is in memory) and also produced to <c>&lt;topic&gt;.dlq</c>.
/// </summary>
public sealed class DeadLetter
{
    public long Id { get; set; }
    public Guid? EventId { get; set; }
    public string? EventType { get; set; }
    public required string Topic { get; set; }
    public int Partition { get; set; }
    public long Offset { get; set; }
    public string? Key { get; set; }
    public string? Value { get; set; }

    /// <summary>The original headers as a JSON object (name → UTF-8 value).</summary>
    public required string Headers { get; set; }

    public required string Error { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset FailedAt { get; set; }
    public DateTimeOffset? ReplayedAt { get; set; }
}
