namespace Hotel.Booking.Emails;

using Hotel.Booking.Infrastructure;
using Hotel.Booking.IntegrationEvents;
using Hotel.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

/// <summary>Records that the confirmation e-mail went out; other kinds of mail (receipt, cancellation…) change nothing here.</summary>
public sealed class EmailSentHandler(BookingDbContext db, ILogger<EmailSentHandler> logger) : IConsumer<EmailSentIntegrationEvent>
{
    public async Task Consume(ConsumeContext<EmailSentIntegrationEvent> context)
    {
        var e = context.Message;
        if (!string.Equals(e.Kind, EmailSentIntegrationEvent.ConfirmationKind, StringComparison.OrdinalIgnoreCase)) return;
        var booking = await db.Bookings
            .Where(b => b.Id == e.BookingId).WithRowLock(RowLock.ForUpdate)
            .SingleOrDefaultAsync(context.CancellationToken);
        if (booking is null)
        {
            logger.LogWarning("EmailSent for unknown booking {BookingId} ({Reference}) ignored", e.BookingId, e.BookingReference);
            return;
        }
        if (booking.MarkConfirmationSent(e.SentAt))
            logger.LogDebug("Confirmation e-mail of booking {Reference} sent", booking.Reference);
    }
}
