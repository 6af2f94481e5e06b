namespace Hotel.Booking.Checkout;

using System.Text.RegularExpressions;
using Hotel.Booking.Bookings;
using Hotel.Booking.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

public enum CompleteOutcome
{
    Placed,
    AlreadyCompleted,
    InProgress,
    Expired,
    SoldOut,
    Invalid,
    /// <summary>The token billing handed back does not verify for the draft's guest: nothing booked, the draft kept for another card.</summary>
    InvalidPaymentMethod,
}

public sealed record CompleteResult(CompleteOutcome Outcome, string? Reference = null, IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>The website's checkout: a draft for the stay and guest, completed with the payment method billing returns.</summary>
public sealed partial class CheckoutService(BookingDbContext db, BookingService bookings, TimeProvider time, IOptions<CheckoutOptions> options)
{
    // The shape of billing's token (pm_….{expiry}.{signature}); whether it verifies is BookingService's check.
    [GeneratedRegex("^pm_[A-Za-z0-9_.-]{1,125}$")]
    private static partial Regex PaymentMethodIdPattern();

    public static bool IsPaymentMethodId(string? id) => id is not null && PaymentMethodIdPattern().IsMatch(id);

    /// <param name="stay">A request already validated except for its payment method.</param>
    public async Task<CheckoutDraft> CreateAsync(PlaceBookingRequest stay, int guests, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Drafts nobody finished: gone a day after they expired.
        await db.CheckoutDrafts.Where(d => d.ExpiresAt < now.AddDays(-1)).ExecuteDeleteAsync(ct);
        var draft = new CheckoutDraft
        {
            Id = CheckoutDraft.NewId(),
            HotelId = stay.HotelId!,
            RoomTypeId = stay.RoomTypeId!,
            CheckIn = stay.CheckIn!.Value,
            CheckOut = stay.CheckOut!.Value,
            Guests = guests,
            GuestName = stay.Guest!.Name!.Trim(),
            GuestEmail = stay.Guest.Email!.Trim(),
            CreatedAt = now,
            ExpiresAt = now + options.Value.DraftLifetime,
        };
        db.CheckoutDrafts.Add(draft);
        await db.SaveChangesAsync(ct);
        return draft;
    }

    public async Task<CheckoutDraft?> FindAsync(string draftId, CancellationToken ct) =>
        CheckoutDraft.IsWellFormedId(draftId) ? await db.CheckoutDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == draftId, ct) : null;

    public bool IsExpired(CheckoutDraft draft) => draft.BookingReference is null && draft.ExpiresAt < time.GetUtcNow();

    /// <summary>
    /// Places the booking of the draft once. The draft is claimed first (a conditional update), so a double submit or
    /// a reload books once; sold out deletes the draft, leaving nothing behind.
    /// </summary>
    public async Task<CompleteResult> CompleteAsync(CheckoutDraft draft, string paymentMethodId, CancellationToken ct)
    {
        if (draft.BookingReference is not null) return new(CompleteOutcome.AlreadyCompleted, draft.BookingReference);
        if (IsExpired(draft)) return new(CompleteOutcome.Expired);

        var claimed = await db.CheckoutDrafts.Where(d => d.Id == draft.Id && d.ClaimedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedAt, time.GetUtcNow()), ct);
        if (claimed == 0)
        {
            var current = await FindAsync(draft.Id, ct);
            return current?.BookingReference is { } done ? new(CompleteOutcome.AlreadyCompleted, done) : new(CompleteOutcome.InProgress);
        }

        try
        {
            var request = new PlaceBookingRequest(draft.HotelId, draft.RoomTypeId, draft.CheckIn, draft.CheckOut,
                new GuestRequest(draft.GuestName, draft.GuestEmail), paymentMethodId);
            var errors = request.Validate(bookings.Today);
            if (errors.Count > 0)
            {
                await db.CheckoutDrafts.Where(d => d.Id == draft.Id).ExecuteDeleteAsync(ct);
                return new(CompleteOutcome.Invalid, Errors: errors);
            }

            var (outcome, booking) = await bookings.PlaceAsync(request, ct);
            if (outcome == PlaceBookingOutcome.InvalidPaymentMethod)
            {
                await db.CheckoutDrafts.Where(d => d.Id == draft.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedAt, (DateTimeOffset?)null), ct);
                return new(CompleteOutcome.InvalidPaymentMethod);
            }
            if (outcome != PlaceBookingOutcome.Placed)
            {
                await db.CheckoutDrafts.Where(d => d.Id == draft.Id).ExecuteDeleteAsync(ct);
                return outcome == PlaceBookingOutcome.SoldOut ? new(CompleteOutcome.SoldOut) : new(CompleteOutcome.Invalid);
            }
            await db.CheckoutDrafts.Where(d => d.Id == draft.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.BookingReference, booking!.Reference), ct);
            return new(CompleteOutcome.Placed, booking!.Reference);
        }
        catch
        {
            // Let the guest try again (nothing was booked: placing is one transaction).
            await db.CheckoutDrafts.Where(d => d.Id == draft.Id && d.BookingReference == null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedAt, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
    }
}
