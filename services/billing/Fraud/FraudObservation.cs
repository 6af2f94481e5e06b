namespace Hotel.Billing.Fraud;

/// <summary>One booking seen by fraud screening, at its event time: the sliding windows are queries over these rows.</summary>
public sealed class FraudObservation
{
    public Guid BookingId { get; init; }
    public required string Fingerprint { get; init; }
    public required string GuestEmail { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
