namespace Hotel.Booking.IntegrationEvents;

using Hotel.Eventing;

// Booking's own copies of billing's events (topic payment.events, key = booking id), with the fields booking reads.

/// <summary>Billing charged the booking.</summary>
public sealed record PaymentCapturedIntegrationEvent(Guid BookingId, string BookingReference, DateTimeOffset CapturedAt) : IntegrationEvent;

/// <summary>Billing could not charge the booking's card; the booking becomes PaymentFailed.</summary>
public sealed record PaymentFailedIntegrationEvent(Guid BookingId, string BookingReference, string ReasonCode, string Reason) : IntegrationEvent;
