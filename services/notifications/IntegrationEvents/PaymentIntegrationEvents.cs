namespace Hotel.Notifications.IntegrationEvents;

using Hotel.Eventing;

// billing's events on payment.events (key = booking id), as notifications reads them.

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

public sealed record PaymentFailedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    string ReasonCode,
    string Reason) : IntegrationEvent;

public sealed record PaymentHeldIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    string Rule,
    string Reason) : IntegrationEvent;

public sealed record RefundIssuedIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    Guid PaymentId,
    Guid RefundId,
    decimal Amount,
    string Currency,
    string GatewayReference,
    DateTimeOffset RefundedAt) : IntegrationEvent;
