namespace Hotel.Notifications.Mail;

using System.Text.Json;
using Hotel.Eventing;
using Hotel.Notifications.Bookings;
using Hotel.Notifications.Infrastructure;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Adds mails to the ledger inside the consumer's transaction (so the event, its inbox row and the mail
/// it asks for commit together). The ledger key (event id, kind) decides: an entry that exists is never
/// added again, whatever the inbox says (a replay after the inbox was cleared sends nothing new).
/// </summary>
public sealed class MailLedger(NotificationsDbContext db, TimeProvider clock)
{
    public async Task EnqueueAsync(IntegrationEvent @event, MailKind kind, Guid bookingId, string bookingReference, object? data, CancellationToken ct)
    {
        var eventId = @event.Id;
        if (db.Emails.Local.Any(e => e.EventId == eventId && e.Kind == kind)
            || await db.Emails.AnyAsync(e => e.EventId == eventId && e.Kind == kind, ct))
            return;

        var booking = await db.Bookings.FindAsync([bookingId], ct); // the tracker first: a booking added earlier in this batch
        var now = clock.GetUtcNow();
        db.Emails.Add(new Email
        {
            Id = Guid.CreateVersion7(),
            EventId = eventId,
            Kind = kind,
            BookingId = bookingId,
            BookingReference = booking?.Reference ?? bookingReference,
            Status = booking is null ? EmailStatus.AwaitingBooking : EmailStatus.Pending,
            To = booking?.GuestEmail,
            MessageId = Email.MessageIdFor(eventId, kind),
            Data = data is null ? null : JsonSerializer.Serialize(data, data.GetType(), EventJson.Options),
            NextAttemptAt = now,
            CreatedAt = now,
            EventOccurredAt = @event.OccurredAt,
            TraceParent = Email.CurrentTraceParent(),
        });
    }

    /// <summary>Mails that arrived before their booking become ready now that it is in the view.</summary>
    public async Task ReleaseAwaitingAsync(BookingView booking, CancellationToken ct)
    {
        // The database's waiting entries, and those added earlier in this batch and not saved yet. A loaded entry
        // is the tracked instance (identity resolution), so its status is checked again as the tracker has it.
        await db.Emails
            .Where(e => e.BookingId == booking.BookingId && e.Status == EmailStatus.AwaitingBooking)
            .LoadAsync(ct);
        var waiting = db.Emails.Local
            .Where(e => e.BookingId == booking.BookingId && e.Status == EmailStatus.AwaitingBooking)
            .ToList();
        var now = clock.GetUtcNow();
        foreach (var email in waiting)
        {
            email.Status = EmailStatus.Pending;
            email.To = booking.GuestEmail;
            email.BookingReference = booking.Reference;
            email.NextAttemptAt = now;
        }
    }
}
