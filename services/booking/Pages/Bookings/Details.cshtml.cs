namespace Hotel.Booking.Pages.Bookings;

using Hotel.Booking.Bookings;
using Hotel.Booking.Hotels;
using Hotel.Booking.Infrastructure;
using Hotel.Booking.Website;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The confirmation page. Shown only to a browser that proved the booking's e-mail (cookie from checkout, or the
/// form here); a wrong e-mail and an unknown reference get the same answer, so references cannot be probed.
/// </summary>
[EnableRateLimiting(RateLimitingOptions.BookingAccessPolicy)]
public sealed class DetailsModel(BookingService bookings, BookingDbContext db, GuestAccess access, TimeProvider time) : PageModel
{
    public string Reference { get; private set; } = "";
    public Booking? Booking { get; private set; }
    public Hotel? Hotel { get; private set; }
    public RoomType? RoomType { get; private set; }
    public LiveStatus? Status { get; private set; }
    public bool WrongEmail { get; private set; }
    public bool JustCancelled { get; private set; }
    public decimal RefundNow { get; private set; }
    public DateTimeOffset FullRefundDeadline { get; private set; }
    public DateTimeOffset Now { get; private set; }

    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(string reference, bool cancelled, CancellationToken ct)
    {
        JustCancelled = cancelled;
        return await ShowAsync(reference, access.EmailFor(HttpContext, reference), ct);
    }

    /// <summary>The e-mail form: the right e-mail sets the access cookie.</summary>
    public async Task<IActionResult> OnPostAccessAsync(string reference, CancellationToken ct)
    {
        Reference = BookingReference.Normalize(reference);
        var booking = string.IsNullOrWhiteSpace(Email) ? null : await bookings.FindAsync(reference, Email, ct);
        if (booking is null)
        {
            WrongEmail = true;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        access.Grant(HttpContext, booking.Reference, booking.GuestEmail);
        return new SeeOther($"/bookings/{booking.Reference}");
    }

    public async Task<IActionResult> OnPostCancelAsync(string reference, CancellationToken ct)
    {
        var email = access.EmailFor(HttpContext, reference);
        if (email is null) return await ShowAsync(reference, null, ct);
        var reason = string.IsNullOrWhiteSpace(Reason) ? "Cancelled by the guest on the website." : Reason.Trim();
        if (reason.Length > CancelBookingRequest.MaxReasonLength) reason = reason[..CancelBookingRequest.MaxReasonLength];
        var (outcome, _) = await bookings.CancelAsync(reference, email, reason, CancelledBy.Guest, ct);
        if (outcome == CancelBookingOutcome.NotFound) return await ShowAsync(reference, null, ct);
        return new SeeOther($"/bookings/{BookingReference.Normalize(reference)}?cancelled=true");
    }

    private async Task<IActionResult> ShowAsync(string reference, string? email, CancellationToken ct)
    {
        Reference = BookingReference.Normalize(reference);
        Booking = email is null ? null : await bookings.FindAsync(reference, email, ct);
        if (Booking is null) return Page(); // the e-mail form

        Hotel = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).SingleAsync(h => h.Id == Booking.HotelId, ct);
        RoomType = Hotel.RoomTypes.Single(rt => rt.Id == Booking.RoomTypeId);
        Status = LiveStatus.Of(Booking);
        Now = time.GetUtcNow();
        FullRefundDeadline = RefundRule.FullRefundDeadline(Booking.CheckIn);
        RefundNow = RefundRule.RefundDue(Booking.TotalAmount, Booking.NightlyRate, Booking.CheckIn, Now);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
