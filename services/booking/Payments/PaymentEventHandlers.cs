namespace Hotel.Booking.Payments;

using Hotel.Booking.Infrastructure;
using Hotel.Booking.IntegrationEvents;
using Hotel.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

/// <summary>Marks the booking paid. The consumer host saves and commits with the inbox row.</summary>
public sealed class PaymentCapturedHandler(BookingDbContext db, ILogger<PaymentCapturedHandler> logger) : IConsumer<PaymentCapturedIntegrationEvent>
{
    public async Task Consume(ConsumeContext<PaymentCapturedIntegrationEvent> context)
    {
        var e = context.Message;
        var booking = await db.Bookings
            .Where(b => b.Id == e.BookingId).WithRowLock(RowLock.ForUpdate)
            .SingleOrDefaultAsync(context.CancellationToken);
        if (booking is null)
        {
            logger.LogWarning("PaymentCaptured for unknown booking {BookingId} ({Reference}) ignored", e.BookingId, e.BookingReference);
            return;
        }
        if (!booking.MarkPaid(e.CapturedAt))
            logger.LogDebug("PaymentCaptured for booking {Reference} in status {Status}: unchanged", booking.Reference, booking.Status);
    }
}

/// <summary>Marks the booking PaymentFailed; the unpaid-booking sweep cancels it after the grace period.</summary>
public sealed class PaymentFailedHandler(BookingDbContext db, ILogger<PaymentFailedHandler> logger) : IConsumer<PaymentFailedIntegrationEvent>
{
    public async Task Consume(ConsumeContext<PaymentFailedIntegrationEvent> context)
    {
        var e = context.Message;
        var booking = await db.Bookings
            .Where(b => b.Id == e.BookingId).WithRowLock(RowLock.ForUpdate)
            .SingleOrDefaultAsync(context.CancellationToken);
        if (booking is null)
        {
            logger.LogWarning("PaymentFailed for unknown booking {BookingId} ({Reference}) ignored", e.BookingId, e.BookingReference);
            return;
        }
        if (booking.MarkPaymentFailed(e.ReasonCode))
            logger.LogDebug("Payment of booking {Reference} failed ({ReasonCode})", booking.Reference, e.ReasonCode);
    }
}

/// <summary>Notes the fraud hold, so the guest website can explain that the charge is under review.</summary>
public sealed class PaymentHeldHandler(BookingDbContext db, ILogger<PaymentHeldHandler> logger) : IConsumer<PaymentHeldIntegrationEvent>
{
    public async Task Consume(ConsumeContext<PaymentHeldIntegrationEvent> context)
    {
        var e = context.Message;
        var booking = await db.Bookings
            .Where(b => b.Id == e.BookingId).WithRowLock(RowLock.ForUpdate)
            .SingleOrDefaultAsync(context.CancellationToken);
        if (booking is null)
        {
            logger.LogWarning("PaymentHeld for unknown booking {BookingId} ({Reference}) ignored", e.BookingId, e.BookingReference);
            return;
        }
        if (booking.MarkPaymentHeld(e.OccurredAt, e.Reason))
            logger.LogDebug("Payment of booking {Reference} held for review ({Rule})", booking.Reference, e.Rule);
    }
}

/// <summary>Notes until when billing keeps trying the charge, so the unpaid-booking sweep does not cancel the booking meanwhile.</summary>
public sealed class PaymentPendingHandler(BookingDbContext db, ILogger<PaymentPendingHandler> logger) : IConsumer<PaymentPendingIntegrationEvent>
{
    public async Task Consume(ConsumeContext<PaymentPendingIntegrationEvent> context)
    {
        var e = context.Message;
        var booking = await db.Bookings
            .Where(b => b.Id == e.BookingId).WithRowLock(RowLock.ForUpdate)
            .SingleOrDefaultAsync(context.CancellationToken);
        if (booking is null)
        {
            logger.LogWarning("PaymentPending for unknown booking {BookingId} ({Reference}) ignored", e.BookingId, e.BookingReference);
            return;
        }
        if (booking.MarkPaymentPending(e.RetryUntil))
            logger.LogDebug("Payment of booking {Reference} pending ({ReasonCode}) until {RetryUntil}", booking.Reference, e.ReasonCode, e.RetryUntil);
    }
}
