namespace Hotel.CustomerCare.View;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hotel.CustomerCare.Infrastructure;
using Microsoft.EntityFrameworkCore;

public sealed record GuestSummary(Guid Id, string Email, string Name, string Tier, int Stays, int Nights, int Cancellations,
    decimal LifetimeSpend, decimal Refunds, string Currency);

public sealed record TimelineItem(Guid EventId, string Kind, string Label, DateTimeOffset OccurredAt, decimal? Amount, string? Currency, string Detail);

public sealed record BookingDetails(Guid Id, string Reference, string Status, string PaymentStatus, string? GuestName, string? GuestEmail,
    Guid? GuestId, string? HotelName, string? RoomTypeName, DateOnly? CheckIn, DateOnly? CheckOut, int Nights, decimal? TotalAmount,
    string? Currency, decimal Paid, decimal Refunded, DateTimeOffset? PlacedAt, DateTimeOffset? CancelledAt, string? CancellationReason,
    IReadOnlyList<TimelineItem> Timeline);

public sealed record GuestDetails(Guid Id, string Email, string Name, LoyaltyStatus Loyalty, int Stays, int Nights, int Cancellations,
    decimal LifetimeSpend, decimal Refunds, string Currency, IReadOnlyList<BookingDetails> Bookings);

/// <summary>
/// How current the view is: messages the consumer group has not read yet, the time of the newest event in the view
/// (by when it happened) and its age, and when the view last changed.
/// </summary>
public sealed record Freshness(long? ConsumerLag, DateTimeOffset? NewestEventAt, DateTimeOffset? NewestAppliedAt, double? NewestEventAgeSeconds, string GroupId);

/// <summary>Reads of the view for the pages and the JSON API.</summary>
public sealed class ViewQueries(CustomerCareDbContext db, TimeProvider clock)
{
    public const int MaxResults = 50;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>By e-mail (exact or partial), name (partial; case and accents ignored) or booking reference.</summary>
    public async Task<IReadOnlyList<GuestSummary>> SearchAsync(string? query, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query)) return [];
        var folded = GuestKeys.Fold(query);
        var pattern = "%" + folded.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var reference = query.Trim().ToUpperInvariant();
        var guests = await db.Guests.AsNoTracking()
            .Where(g => EF.Functions.Like(g.SearchText, pattern, "\\") || g.Bookings.Any(b => b.Reference == reference))
            .OrderBy(g => g.Name).ThenBy(g => g.Email).Take(MaxResults)
            .Include(g => g.Bookings)
            .AsSplitQuery()
            .ToListAsync(ct);
        return guests.Select(g => Summary(g, Loyalty.For(g.Bookings, Today))).ToList();
    }

    public async Task<GuestDetails?> GuestAsync(Guid id, CancellationToken ct)
    {
        var guest = await db.Guests.AsNoTracking().Include(g => g.Bookings).ThenInclude(b => b.Timeline)
            .AsSplitQuery().FirstOrDefaultAsync(g => g.Id == id, ct);
        if (guest is null) return null;
        var bookings = guest.Bookings
            .OrderByDescending(b => b.CheckIn).ThenByDescending(b => b.PlacedAt).ThenBy(b => b.Id)
            .Select(Details).ToList();
        return new GuestDetails(guest.Id, guest.Email, guest.Name, Loyalty.For(guest.Bookings, Today), guest.Stays, guest.Nights,
            guest.Cancellations, guest.LifetimeSpend, guest.Refunds, guest.Currency, bookings);
    }

    public async Task<BookingDetails?> BookingAsync(string reference, CancellationToken ct)
    {
        var normalised = reference.Trim().ToUpperInvariant();
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Timeline)
            .Where(b => b.Reference == normalised).OrderBy(b => b.Id).FirstOrDefaultAsync(ct);
        return booking is null ? null : Details(booking);
    }

    public async Task<Freshness> FreshnessAsync(long? lag, string groupId, CancellationToken ct)
    {
        var newestEvent = await db.Timeline.AsNoTracking().MaxAsync(t => (DateTimeOffset?)t.OccurredAt, ct);
        var newestApplied = await db.Timeline.AsNoTracking().MaxAsync(t => (DateTimeOffset?)t.AppliedAt, ct);
        double? age = newestEvent is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : null;
        return new Freshness(lag, newestEvent, newestApplied, age, groupId);
    }

    public Task<int> AppliedEventsAsync(CancellationToken ct) => db.Set<Hotel.Eventing.Inbox.InboxMessage>().CountAsync(ct);

    /// <summary>
    /// SHA-256 over a canonical text of every view row (ordered by key; application times left out),
    /// so two views built from the same events in any order have the same digest.
    /// </summary>
    public async Task<ViewDigest> DigestAsync(CancellationToken ct)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var guests = await db.Guests.AsNoTracking().OrderBy(g => g.Id).ToListAsync(ct);
        foreach (var g in guests)
            text.AppendLine(inv, $"G|{g.Id}|{g.Email}|{g.Name}|{g.SearchText}|{g.Stays}|{g.Nights}|{g.Cancellations}|{g.LifetimeSpend:0.00}|{g.Refunds:0.00}|{g.Currency}");
        var bookings = await db.Bookings.AsNoTracking().OrderBy(b => b.Id).ToListAsync(ct);
        foreach (var b in bookings)
            text.AppendLine(inv, $"B|{b.Id}|{b.Reference}|{b.GuestId}|{b.GuestName}|{b.GuestEmail}|{b.HotelName}|{b.RoomTypeName}|{b.CheckIn:O}|{b.CheckOut:O}|{b.Nights}|{b.TotalAmount:0.00}|{b.Currency}|{Utc(b.PlacedAt)}|{Utc(b.CancelledAt)}|{b.CancellationReason}|{b.Status}|{b.PaymentStatus}|{b.Paid:0.00}|{b.Refunded:0.00}");
        var entries = await db.Timeline.AsNoTracking().OrderBy(t => t.EventId).ToListAsync(ct);
        foreach (var t in entries)
            text.AppendLine(inv, $"T|{t.EventId}|{t.BookingId}|{t.Kind}|{Utc(t.OccurredAt)}|{t.Amount:0.00}|{t.Currency}|{t.Detail}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return new ViewDigest(hash, guests.Count, bookings.Count, entries.Count);
    }

    private static string Utc(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture) ?? "";

    private static GuestSummary Summary(Guest g, LoyaltyStatus loyalty) =>
        new(g.Id, g.Email, g.Name, loyalty.Tier, g.Stays, g.Nights, g.Cancellations, g.LifetimeSpend, g.Refunds, g.Currency);

    public static BookingDetails Details(GuestBooking b) =>
        new(b.Id, b.Reference, b.Status, b.PaymentStatus, b.GuestName, b.GuestEmail, b.GuestId, b.HotelName, b.RoomTypeName,
            b.CheckIn, b.CheckOut, b.Nights, b.TotalAmount, b.Currency, b.Paid, b.Refunded, b.PlacedAt, b.CancelledAt, b.CancellationReason,
            ViewUpdater.Ordered(b.Timeline)
                .Select(t => new TimelineItem(t.EventId, t.Kind, TimelineKinds.Label(t.Kind), t.OccurredAt, t.Amount, t.Currency, t.Detail))
                .ToList());
}

public sealed record ViewDigest(string Sha256, int Guests, int Bookings, int TimelineEntries);
