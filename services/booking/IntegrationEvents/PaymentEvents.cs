namespace Hotel.Booking.IntegrationEvents;

using Hotel.Eventing;

// Booking's own copies of billing's events (topic payment.events, key = booking id), with the fields booking reads.

/// <summary>Billing charged the booking.</summary>
public sealed record PaymentCapturedIntegrationEvent(Guid BookingId, string BookingReference, DateTimeOffset CapturedAt) : IntegrationEvent;

/// <summary>Billing could not charge the booking's card; the booking becomes PaymentFailed.</summary>
public sealed record PaymentFailedIntegrationEvent(Guid BookingId, string BookingReference, string ReasonCode, string Reason) : IntegrationEvent;

/// <summary>Billing's fraud screening held the charge for review instead of charging; the guest website says so.</summary>
public sealed record PaymentHeldIntegrationEvent(Guid BookingId, string BookingReference, string Rule, string Reason) : IntegrationEvent;

/// <summary>
/// Billing does not know the charge's outcome yet (the card processor failed transiently, or is still processing) and keeps
/// asking until <see cref="RetryUntil"/>; the unpaid-booking sweep leaves the booking alone until then.
/// </summary>
public sealed record PaymentPendingIntegrationEvent(Guid BookingId, string BookingReference, string ReasonCode, DateTimeOffset RetryUntil) : IntegrationEvent;
