namespace Hotel.Booking.IntegrationEvents;

using Hotel.Eventing;

/// <summary>
/// A booking was taken and its nights are held. Carries everything billing (charge), notifications
/// (confirmation mail) and customer care (guest history) need, so none of them has to call booking.
/// </summary>
public sealed record BookingPlacedIntegrationEvent(
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
    decimal NightlyRate,
    decimal TotalAmount,
    string Currency,
    string PaymentMethodId) : IntegrationEvent;
