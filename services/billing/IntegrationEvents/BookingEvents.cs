namespace Hotel.Billing.IntegrationEvents;

using Hotel.Eventing;

// Billing's own copies of the booking service's events, with only the fields billing needs
// (unknown fields are ignored when reading). The wire names are BookingPlaced and BookingCancelled.

/// <summary>A booking was taken: charge it. <see cref="IntegrationEvent.OccurredAt"/> is the event time fraud windows use.</summary>
public sealed record BookingPlacedIntegrationEvent(
    Guid BookingId,
    string Reference,
    string GuestEmail,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Nights,
    decimal NightlyRate,
    decimal TotalAmount,
    string Currency,
    string PaymentMethodId) : IntegrationEvent;

/// <summary>A booking was cancelled: refund per policy, or make sure it is never charged.</summary>
public sealed record BookingCancelledIntegrationEvent(
    Guid BookingId,
    string Reference,
    DateOnly CheckIn,
    DateTimeOffset CancelledAt) : IntegrationEvent;
