namespace Hotel.CustomerCare.IntegrationEvents;

using Hotel.Eventing;

// Customer care's own copies of the events it consumes, with only the fields the view needs
// (unknown fields are ignored). Every topic is keyed by booking id.

/// <summary><c>booking.events</c> · BookingPlaced.</summary>
public sealed record BookingPlacedIntegrationEvent(
    Guid BookingId,
    string Reference,
    string GuestName,
    string GuestEmail,
    string HotelName,
    string RoomTypeName,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Nights,
    decimal TotalAmount,
    string Currency) : IntegrationEvent;

/// <summary>
/// <c>booking.events</c> · BookingCancelled (carries the booking's facts too, so it can arrive first). Version 2 adds
/// who cancelled: guest, agent or system (null in version 1).
/// </summary>
public sealed record BookingCancelledIntegrationEvent(
    Guid BookingId,
    string Reference,
    string GuestName,
    string GuestEmail,
    string HotelName,
    string RoomTypeName,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Nights,
    decimal TotalAmount,
    string Currency,
    DateTimeOffset CancelledAt,
    string? Reason,
    string? CancelledBy = null) : IntegrationEvent
{
    /// <summary>The reason, and who cancelled when the hotel did it itself, so the agent tells it from a guest's own cancellation.</summary>
    public string TimelineDetail => CancelledBy == "system" ? $"Cancelled by the hotel: {Reason}" : Reason ?? "";
}

/// <summary><c>payment.events</c> · PaymentCaptured.</summary>
public sealed record PaymentCapturedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    decimal Amount,
    string Currency,
    string? Brand,
    string? Last4,
    DateTimeOffset CapturedAt) : IntegrationEvent;

/// <summary><c>payment.events</c> · PaymentFailed.</summary>
public sealed record PaymentFailedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    string? ReasonCode,
    string? Reason) : IntegrationEvent;

/// <summary><c>payment.events</c> · PaymentHeld (fraud screening).</summary>
public sealed record PaymentHeldIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    string? Rule,
    string? Reason) : IntegrationEvent;

/// <summary><c>payment.events</c> · RefundIssued.</summary>
public sealed record RefundIssuedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    Guid RefundId,
    decimal Amount,
    string Currency,
    DateTimeOffset RefundedAt) : IntegrationEvent;

/// <summary><c>email.events</c> · EmailSent: kind is confirmation, receipt, payment-failed, payment-held, cancellation…</summary>
public sealed record EmailSentIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    string Kind,
    string To,
    DateTimeOffset SentAt) : IntegrationEvent;
