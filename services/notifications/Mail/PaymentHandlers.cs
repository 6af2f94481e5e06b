namespace Hotel.Notifications.Mail;

using Hotel.Notifications.IntegrationEvents;
using MassTransit;

// Payment outcomes carry no guest name or address: the mail is queued against the booking and, if the
// booking is not in the view yet (topics are not ordered with each other), waits for it in the database.

public sealed class PaymentCapturedHandler(MailLedger ledger) : IConsumer<PaymentCapturedIntegrationEvent>
{
    public Task Consume(ConsumeContext<PaymentCapturedIntegrationEvent> context) =>
        ledger.EnqueueAsync(context.Message, MailKind.Receipt, context.Message.BookingId, context.Message.BookingReference,
            context.Message, context.CancellationToken);
}

public sealed class PaymentFailedHandler(MailLedger ledger) : IConsumer<PaymentFailedIntegrationEvent>
{
    public Task Consume(ConsumeContext<PaymentFailedIntegrationEvent> context) =>
        ledger.EnqueueAsync(context.Message, MailKind.PaymentFailed, context.Message.BookingId, context.Message.BookingReference,
            context.Message, context.CancellationToken);
}

public sealed class PaymentHeldHandler(MailLedger ledger) : IConsumer<PaymentHeldIntegrationEvent>
{
    public Task Consume(ConsumeContext<PaymentHeldIntegrationEvent> context) =>
        ledger.EnqueueAsync(context.Message, MailKind.PaymentHeld, context.Message.BookingId, context.Message.BookingReference,
            context.Message, context.CancellationToken);
}

public sealed class RefundIssuedHandler(MailLedger ledger) : IConsumer<RefundIssuedIntegrationEvent>
{
    public Task Consume(ConsumeContext<RefundIssuedIntegrationEvent> context) =>
        ledger.EnqueueAsync(context.Message, MailKind.Refund, context.Message.BookingId, context.Message.BookingReference,
            context.Message, context.CancellationToken);
}
