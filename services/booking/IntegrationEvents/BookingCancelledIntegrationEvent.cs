namespace Hotel.Booking.IntegrationEvents;

using Hotel.Eventing;

/// <summary>A booking was cancelled and its nights released; billing refunds, notifications mails the guest.</summary>
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
    string? Reason) : IntegrationEvent;
