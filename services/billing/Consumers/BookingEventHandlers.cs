namespace Hotel.Billing.Consumers;

using Hotel.Billing.IntegrationEvents;
using Hotel.Billing.Payments;
using MassTransit;

/// <summary>Charges a placed booking (once). The consumer host commits its changes with the inbox row.</summary>
public sealed class BookingPlacedHandler(PaymentProcessor payments) : IConsumer<BookingPlacedIntegrationEvent>
{
    public Task Consume(ConsumeContext<BookingPlacedIntegrationEvent> context) =>
        payments.OnBookingPlacedAsync(context.Message, context.CancellationToken);
}

/// <summary>Refunds a cancelled booking per policy, or makes sure a booking cancelled before it was placed is never charged.</summary>
public sealed class BookingCancelledHandler(PaymentProcessor payments) : IConsumer<BookingCancelledIntegrationEvent>
{
    public Task Consume(ConsumeContext<BookingCancelledIntegrationEvent> context) =>
        payments.OnBookingCancelledAsync(context.Message, context.CancellationToken);
}
