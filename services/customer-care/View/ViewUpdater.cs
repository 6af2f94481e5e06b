namespace Hotel.CustomerCare.View;

using Hotel.CustomerCare.Infrastructure;
using Hotel.CustomerCare.Live;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Applies one event to the view inside the consumer host's transaction. Every change is either a
/// fact set once (the same whichever event brings it) or a timeline row keyed by event id; everything
/// else (status, paid, refunded, guest totals, guest name) is recomputed from those rows. So any
/// arrival order, across topics or within one, converges to the same view.
/// </summary>
public sealed class ViewUpdater(CustomerCareDbContext db, FeedBuffer feed, TimeProvider clock)
{
    private readonly HashSet<Guid> _lockedGuests = [];
    private object? _lockedIn;

    public sealed record BookingFacts(
        string Reference, string GuestName, string GuestEmail, string HotelName, string RoomTypeName,
        DateOnly CheckIn, DateOnly CheckOut, int Nights, decimal TotalAmount, string Currency);

    public async Task ApplyAsync(Guid eventId, Guid bookingId, string reference, TimelineEntry entry, BookingFacts? facts,
        Action<GuestBooking>? set, CancellationToken ct)
    {
        var booking = await db.Bookings.Include(b => b.Timeline).FirstOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null)
        {
            booking = new GuestBooking { Id = bookingId, Reference = NormaliseReference(reference) };
            db.Bookings.Add(booking);
        }
        if (string.IsNullOrEmpty(booking.Reference)) booking.Reference = NormaliseReference(reference);

        var previousGuest = booking.GuestId;
        var guestFactsBefore = GuestFacts.Of(booking);
        if (facts is not null && booking.GuestEmail is null) Fill(booking, facts);
        if (booking.GuestEmail is not null && booking.GuestId is null)
            booking.GuestId = await EnsureGuestAsync(booking.GuestEmail, ct);
        set?.Invoke(booking);

        entry.EventId = eventId;
        entry.BookingId = bookingId;
        entry.AppliedAt = clock.GetUtcNow();
        if (booking.Timeline.All(t => t.EventId != eventId)) booking.Timeline.Add(entry);

        Recompute(booking);
        await db.SaveChangesAsync(ct);
        // Most events (every e-mail sent) change nothing the guest's totals are made of: skip the query and the save.
        var guestTotalsChange = previousGuest != booking.GuestId || GuestFacts.Of(booking) != guestFactsBefore;
        if (guestTotalsChange && booking.GuestId is { } guestId) await RecomputeGuestAsync(guestId, ct);
        if (guestTotalsChange && previousGuest is { } old && old != booking.GuestId) await RecomputeGuestAsync(old, ct);

        string? guestName = null;
        if (booking.GuestId is { } g) guestName = (await db.Guests.FindAsync([g], ct))?.Name;
        feed.Add(new FeedItem(entry.Kind, TimelineKinds.Label(entry.Kind), booking.Id, booking.Reference, booking.GuestId, guestName,
            booking.HotelName, entry.OccurredAt, booking.Status, booking.PaymentStatus));
    }

    /// <summary>What <see cref="RecomputeGuestAsync"/> reads of a booking.</summary>
    private sealed record GuestFacts(string Status, int Nights, decimal Paid, decimal Refunded, string? GuestName, string? Currency,
        DateTimeOffset? PlacedAt, DateTimeOffset? CancelledAt)
    {
        public static GuestFacts Of(GuestBooking b) => new(b.Status, b.Nights, b.Paid, b.Refunded, b.GuestName, b.Currency, b.PlacedAt, b.CancelledAt);
    }

    private static string NormaliseReference(string reference) => reference.Trim().ToUpperInvariant();

    private static void Fill(GuestBooking booking, BookingFacts facts)
    {
        booking.Reference = NormaliseReference(facts.Reference);
        booking.GuestName = facts.GuestName.Trim();
        booking.GuestEmail = GuestKeys.NormaliseEmail(facts.GuestEmail);
        booking.HotelName = facts.HotelName;
        booking.RoomTypeName = facts.RoomTypeName;
        booking.CheckIn = facts.CheckIn;
        booking.CheckOut = facts.CheckOut;
        booking.Nights = facts.Nights;
        booking.TotalAmount = facts.TotalAmount;
        booking.Currency = facts.Currency;
    }

    private async Task<Guid> EnsureGuestAsync(string email, CancellationToken ct)
    {
        var id = GuestKeys.IdFor(email);
        await LockGuestAsync(id, ct);
        if (await db.Guests.FindAsync([id], ct) is null)
            db.Guests.Add(new Guest { Id = id, Email = email, SearchText = GuestKeys.Fold(email) });
        return id;
    }

    /// <summary>
    /// Serialises concurrent updates of one guest (several consumers, bookings on different partitions).
    /// The lock is held until the transaction ends, so within one (a batch of events) it is taken once.
    /// </summary>
    private async Task LockGuestAsync(Guid guestId, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction;
        if (!ReferenceEquals(transaction, _lockedIn))
        {
            _lockedGuests.Clear();
            _lockedIn = transaction;
        }
        if (transaction is not null && !_lockedGuests.Add(guestId)) return;
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({guestId.ToString()}, 0))", ct);
    }

    /// <summary>The booking's derived fields, from its facts and timeline only.</summary>
    public static void Recompute(GuestBooking booking)
    {
        var ordered = Ordered(booking.Timeline).ToList();
        booking.Paid = ordered.Where(t => t.Kind == TimelineKinds.PaymentCaptured).Sum(t => t.Amount ?? 0);
        booking.Refunded = ordered.Where(t => t.Kind == TimelineKinds.RefundIssued).Sum(t => t.Amount ?? 0);
        var lastPayment = ordered.LastOrDefault(t => t.Kind is TimelineKinds.PaymentCaptured or TimelineKinds.PaymentFailed or TimelineKinds.PaymentHeld);
        booking.PaymentStatus = lastPayment?.Kind switch
        {
            TimelineKinds.PaymentCaptured => PaymentStates.Captured,
            TimelineKinds.PaymentFailed => PaymentStates.Failed,
            TimelineKinds.PaymentHeld => PaymentStates.Held,
            _ => PaymentStates.None,
        };
        booking.Status = booking.CancelledAt is not null ? BookingStates.Cancelled
            : booking.PlacedAt is not null ? BookingStates.Confirmed
            : BookingStates.Placeholder;
    }

    /// <summary>Timeline order: event time, then the natural order of kinds, then event id.</summary>
    public static IEnumerable<TimelineEntry> Ordered(IEnumerable<TimelineEntry> entries) =>
        entries.OrderBy(t => t.OccurredAt).ThenBy(t => TimelineKinds.Rank(t.Kind)).ThenBy(t => t.EventId);

    private async Task RecomputeGuestAsync(Guid guestId, CancellationToken ct)
    {
        await LockGuestAsync(guestId, ct);
        var guest = await db.Guests.FindAsync([guestId], ct);
        if (guest is null) return;
        var bookings = await db.Bookings.Where(b => b.GuestId == guestId).ToListAsync(ct);
        var live = bookings.Where(b => b.Status != BookingStates.Cancelled).ToList();
        guest.Stays = live.Count;
        guest.Nights = live.Sum(b => b.Nights);
        guest.Cancellations = bookings.Count(b => b.Status == BookingStates.Cancelled);
        guest.LifetimeSpend = bookings.Sum(b => b.Paid);
        guest.Refunds = bookings.Sum(b => b.Refunded);
        var latest = bookings.Where(b => b.GuestName is not null)
            .OrderByDescending(b => b.PlacedAt ?? b.CancelledAt).ThenByDescending(b => b.Id).FirstOrDefault();
        guest.Name = latest?.GuestName ?? "";
        guest.Currency = latest?.Currency ?? "";
        guest.SearchText = GuestKeys.Fold($"{guest.Name} {guest.Email}");
        await db.SaveChangesAsync(ct);
    }
}
