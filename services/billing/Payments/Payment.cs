namespace Hotel.Billing.Payments;

public enum PaymentStatus
{
    /// <summary>Charged in full.</summary>
    Captured,
    /// <summary>The gateway refused the charge for good.</summary>
    Failed,
    /// <summary>Fraud screening held it; nothing was charged.</summary>
    Held,
    /// <summary>Cancelled before any money moved (cancelled while held or failed, or before it was placed).</summary>
    Cancelled,
    /// <summary>Charged, then refunded in full.</summary>
    Refunded,
    /// <summary>Charged, then refunded less the first night.</summary>
    PartiallyRefunded,
}

/// <summary>The one payment of a booking (unique per booking id), in billing's own database.</summary>
public sealed class Payment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid BookingId { get; init; }
    public required string BookingReference { get; init; }
    public required string GuestEmail { get; init; }
    public required string PaymentMethodId { get; init; }
    public decimal Amount { get; init; }
    public decimal NightlyRate { get; init; }
    public required string Currency { get; init; }
    public DateOnly CheckIn { get; init; }
    public int Nights { get; init; }
    /// <summary>Event time of BookingPlaced.</summary>
    public DateTimeOffset PlacedAt { get; init; }
    public PaymentStatus Status { get; set; }
    public string? Brand { get; set; }
    public string? Last4 { get; set; }
    public string? GatewayReference { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureReason { get; set; }
    public string? HoldRule { get; set; }
    public DateTimeOffset? CapturedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<Refund> Refunds { get; init; } = [];
}

public sealed class Refund
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PaymentId { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public required string GatewayReference { get; init; }
    public DateTimeOffset RefundedAt { get; init; }
}

/// <summary>A cancellation billing has seen, kept so a BookingPlaced that arrives after it is never charged.</summary>
public sealed class BookingCancellation
{
    public Guid BookingId { get; init; }
    public required string BookingReference { get; init; }
    public DateTimeOffset CancelledAt { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
}
