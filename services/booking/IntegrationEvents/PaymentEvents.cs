namespace Hotel.Booking.IntegrationEvents;

using Hotel.Eventing;

// Booking's own copies of billing's events (topic payment.events, key = booking id), with the fields booking reads.

/// <summary>Billing charged the booking.</summary>
public sealed record PaymentCapturedIntegrationEvent(Guid BookingId, string BookingReference, DateTimeOffset CapturedAt) : IntegrationEvent;

/// <summary>Billing could not charge the booking's card; the booking becomes PaymentFailed.</summary>
public sealed record PaymentFailedIntegrationEvent(Guid BookingId, string BookingReference, string ReasonCode, string Reason) : IntegrationEvent;

/// <summary>Billing's fraud screening held the charge for review instead of charging; the guest website says so.</summary>
public sealed record PaymentHeldIntegrationEvent(Guid BookingId, string BookingReference, string Rule, string Reason) : IntegrationEvent;
