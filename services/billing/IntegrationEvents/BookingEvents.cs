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

/// <summary>
/// A booking was cancelled: refund per policy (in full when the hotel cancelled it itself), or make sure it is never
/// charged. <see cref="CancelledBy"/> (version 2): guest, agent or system; absent in version 1.
/// </summary>
public sealed record BookingCancelledIntegrationEvent(
    Guid BookingId,
    string Reference,
    DateOnly CheckIn,
    DateTimeOffset CancelledAt,
    string? CancelledBy = null) : IntegrationEvent
{
    public const string BySystem = "system";
}
