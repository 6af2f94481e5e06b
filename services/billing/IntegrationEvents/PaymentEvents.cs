namespace Hotel.Billing.IntegrationEvents;

using Hotel.Eventing;

// Billing's published events: aggregatetype "payment" (topic payment.events), aggregateid = the booking id,
// so one booking's payment events stay in order. Notifications and customer care consume these names.

/// <summary>The booking's amount was charged to the card.</summary>
public sealed record PaymentCapturedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    decimal Amount,
    string Currency,
    string Brand,
    string Last4,
    string GatewayReference,
    DateTimeOffset CapturedAt) : IntegrationEvent;

/// <summary>The charge was refused for good (declined, insufficient funds, expired card, processing error).</summary>
public sealed record PaymentFailedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    string ReasonCode,
    string Reason) : IntegrationEvent;

/// <summary>Fraud screening put the payment on hold instead of charging; <see cref="Rule"/> names the rule that fired.</summary>
public sealed record PaymentHeldIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    string Rule,
    string Reason) : IntegrationEvent;

/// <summary>Money went back to the card after a cancellation.</summary>
public sealed record RefundIssuedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    Guid RefundId,
    decimal Amount,
    string Currency,
    string GatewayReference,
    DateTimeOffset RefundedAt) : IntegrationEvent;

/// <summary>
/// The charge's outcome is not known yet (the gateway failed transiently, or the charge is processing): billing keeps asking
/// until <see cref="RetryUntil"/>, then the payment is captured or fails. Booking does not cancel the booking meanwhile.
/// </summary>
public sealed record PaymentPendingIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    string ReasonCode,
    string Reason,
    DateTimeOffset RetryUntil) : IntegrationEvent;
