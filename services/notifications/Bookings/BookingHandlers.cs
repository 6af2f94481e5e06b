namespace Hotel.Notifications.Bookings;

using Hotel.Notifications.Infrastructure;
using Hotel.Notifications.IntegrationEvents;
using Hotel.Notifications.Mail;
using MassTransit;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// BookingPlaced: the booking and its guest enter the view; mails that waited for it are released. No mail of its own:
/// the confirmation goes out when the payment is captured (PaymentCaptured), so a booking nobody paid for mails nobody.
/// </summary>
public sealed class BookingPlacedHandler(NotificationsDbContext db, MailLedger ledger, TimeProvider clock) : IConsumer<BookingPlacedIntegrationEvent>
{
    public async Task Consume(ConsumeContext<BookingPlacedIntegrationEvent> context)
    {
        var e = context.Message;
        var ct = context.CancellationToken;
        // Find, not a query: an earlier event of this batch may have added the booking, unsaved.
        var booking = await db.Bookings.FindAsync([e.BookingId], ct);
        var isNew = booking is null;
        if (booking is null)
        {
            booking = new BookingView
            {
                BookingId = e.BookingId,
                Reference = e.Reference,
                GuestName = e.GuestName,
                GuestEmail = e.GuestEmail,
                HotelName = e.HotelName,
                RoomTypeName = e.RoomTypeName,
                Currency = e.Currency,
                Status = BookingViewStatus.Placed,
            };
            db.Bookings.Add(booking);
        }
        booking.Reference = e.Reference;
        booking.GuestName = e.GuestName;
        booking.GuestEmail = e.GuestEmail;
        booking.HotelName = e.HotelName;
        booking.RoomTypeName = e.RoomTypeName;
        booking.CheckIn = e.CheckIn;
        booking.CheckOut = e.CheckOut;
        booking.Nights = e.Nights;
        booking.TotalAmount = e.TotalAmount;
        booking.Currency = e.Currency;
        booking.UpdatedAt = clock.GetUtcNow();

        await GuestViews.TouchAsync(db, e.GuestEmail, e.GuestName, clock.GetUtcNow(), countBooking: isNew, ct);
        await ledger.ReleaseAwaitingAsync(booking, ct);
    }
}

/// <summary>
/// BookingCancelled: the view shows it cancelled (creating it if the placement was never seen); the cancellation is
/// queued, unless the hotel released a booking whose payment failed or was held: that guest already had the one mail
/// about it (payment failed / on hold), which says the room is released.
/// </summary>
public sealed class BookingCancelledHandler(NotificationsDbContext db, MailLedger ledger, TimeProvider clock) : IConsumer<BookingCancelledIntegrationEvent>
{
    public async Task Consume(ConsumeContext<BookingCancelledIntegrationEvent> context)
    {
        var e = context.Message;
        var ct = context.CancellationToken;
        var booking = await db.Bookings.FindAsync([e.BookingId], ct); // sees a booking added earlier in this batch
        if (booking is null)
        {
            booking = new BookingView
            {
                BookingId = e.BookingId,
                Reference = e.Reference,
                GuestName = e.GuestName,
                GuestEmail = e.GuestEmail,
                HotelName = e.HotelName,
                RoomTypeName = e.RoomTypeName,
                CheckIn = e.CheckIn,
                CheckOut = e.CheckOut,
                Nights = e.Nights,
                TotalAmount = e.TotalAmount,
                Currency = e.Currency,
            };
            db.Bookings.Add(booking);
            await GuestViews.TouchAsync(db, e.GuestEmail, e.GuestName, clock.GetUtcNow(), countBooking: true, ct);
        }
        booking.Status = BookingViewStatus.Cancelled;
        booking.CancelledAt = e.CancelledAt;
        booking.CancellationReason = e.Reason;
        booking.UpdatedAt = clock.GetUtcNow();

        if (!e.IsReleaseAfterPaymentMail)
            await ledger.EnqueueAsync(e, MailKind.Cancellation, e.BookingId, e.Reference, data: null, ct);
        await ledger.ReleaseAwaitingAsync(booking, ct);
    }
}

internal static class GuestViews
{
    /// <param name="countBooking">
    /// Whether the booking is new to the view: a booking first seen through its cancellation, or an event
    /// applied again after the inbox was cleared, must not count twice.
    /// </param>
    public static async Task TouchAsync(NotificationsDbContext db, string email, string name, DateTimeOffset now, bool countBooking, CancellationToken ct)
    {
        var key = email.Trim().ToLowerInvariant();
        var guest = await db.Guests.FindAsync([key], ct); // the tracker first: a guest added earlier in this batch
        if (guest is null)
        {
            guest = new GuestView { Email = key, Name = name };
            db.Guests.Add(guest);
        }
        guest.Name = name;
        if (countBooking) guest.Bookings++;
        guest.LastSeenAt = now;
    }
}
