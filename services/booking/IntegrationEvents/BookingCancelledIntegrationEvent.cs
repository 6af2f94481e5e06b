namespace Hotel.Booking.IntegrationEvents;

using Hotel.Eventing;

/// <summary>
/// A booking was cancelled and its nights released; billing refunds, notifications mails the guest. Version 2 added
/// <see cref="CancelledBy"/> (<see cref="Bookings.CancelledBy"/>: guest, agent or system) and, for the system's own
/// cancellations, <see cref="ReasonCode"/> (<see cref="Bookings.CancellationReasonCodes"/>); <see cref="Reason"/> is the text.
/// </summary>
public sealed record BookingCancelledIntegrationEvent(
    Guid BookingId,
    string Reference,
    string GuestName,
    string GuestEmail,
    string HotelId,
    string HotelName,
    string RoomTypeId,
    string RoomTypeName,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Nights,
    decimal TotalAmount,
    string Currency,
    string PaymentMethodId,
    DateTimeOffset CancelledAt,
    string? Reason,
    string CancelledBy,
    string? ReasonCode) : IntegrationEvent
{
    public const int CurrentVersion = 2;
}
