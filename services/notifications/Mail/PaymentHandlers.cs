namespace Hotel.Notifications.Mail;

using Hotel.Notifications.Bookings;
using Hotel.Notifications.Infrastructure;
using Hotel.Notifications.IntegrationEvents;
using MassTransit;

// Payment outcomes carry no guest name or address: the mail is queued against the booking and, if the
// booking is not in the view yet (topics are not ordered with each other), waits for it in the database.

/// <summary>
/// The payment is in: the confirmation and the receipt. A booking the view already knows as cancelled (the hotel
/// released it before the charge landed; billing refunds it) is not confirmed; the receipt still records the charge.
/// </summary>
public sealed class PaymentCapturedHandler(MailLedger ledger, NotificationsDbContext db) : IConsumer<PaymentCapturedIntegrationEvent>
{
    public async Task Consume(ConsumeContext<PaymentCapturedIntegrationEvent> context)
    {
        var e = context.Message;
        var booking = await db.Bookings.FindAsync([e.BookingId], context.CancellationToken);
        if (booking?.Status != BookingViewStatus.Cancelled)
            await ledger.EnqueueAsync(e, MailKind.Confirmation, e.BookingId, e.BookingReference, data: null, context.CancellationToken);
        await ledger.EnqueueAsync(e, MailKind.Receipt, e.BookingId, e.BookingReference, e, context.CancellationToken);
    }
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
