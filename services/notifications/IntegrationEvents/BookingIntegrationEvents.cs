namespace Hotel.Notifications.IntegrationEvents;

using Hotel.Eventing;

// Notifications' own copies of the events it consumes, with the fields it needs (unknown fields are ignored).

/// <summary><c>booking.events</c> · BookingPlaced: the booking view's source, and the confirmation mail.</summary>
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

/// <summary><c>booking.events</c> · BookingCancelled: the cancellation mail.</summary>
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
    string? Reason) : IntegrationEvent;
