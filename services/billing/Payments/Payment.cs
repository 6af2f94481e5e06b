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
    /// <summary>
    /// The outcome is not known yet: the gateway failed transiently past the in-process retries, or the charge is still
    /// processing (Stripe <c>processing</c>, or an authorisation not captured yet). <see cref="PendingPaymentRetrier"/> asks again
    /// at <see cref="Payment.NextAttemptAt"/>.
    /// </summary>
    Pending,
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
    /// <summary>When the payment became <see cref="PaymentStatus.Pending"/>; the retries stop at this plus <c>Payments:PendingTimeout</c>.</summary>
    public DateTimeOffset? PendingSince { get; set; }
    /// <summary>When the retrier asks the gateway again; null unless pending.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>Attempts made by the retrier, for its backoff.</summary>
    public int PendingAttempts { get; set; }
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
