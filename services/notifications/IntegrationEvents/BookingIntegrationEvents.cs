namespace Hotel.Notifications.IntegrationEvents;

using Hotel.Eventing;

// Notifications' own copies of the events it consumes, with the fields it needs (unknown fields are ignored).

/// <summary><c>booking.events</c> · BookingPlaced: the booking view's source (the confirmation waits for PaymentCaptured).</summary>
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
    decimal NightlyRate,
    decimal TotalAmount,
    string Currency) : IntegrationEvent;

/// <summary>
/// <c>booking.events</c> · BookingCancelled: the cancellation mail. Version 2 adds who cancelled (guest, agent, system)
/// and, for the system's cancellations, a reason code; both are null in version 1.
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
    string? CancelledBy = null,
    string? ReasonCode = null) : IntegrationEvent
{
    /// <summary>The unpaid-booking sweep released a booking whose guest was already mailed that the payment failed or was held.</summary>
    public bool IsReleaseAfterPaymentMail => CancelledBy == "system" && ReasonCode is "payment_failed" or "payment_held";
}
