namespace Hotel.Booking.Pages.Checkout;

using Hotel.Booking.Checkout;
using Hotel.Booking.Website;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

/// <summary>
/// Where billing sends the browser back (303, so a GET): with <c>paymentMethodId</c> the booking is placed from the
/// draft, once; with <c>cardError</c> the card form is shown again. Only the browser that started the draft may
/// complete it (checkout cookie). This is the website's booking submission, so it carries the website rate limit.
/// </summary>
[EnableRateLimiting(RateLimitingOptions.WebsitePolicy)]
public sealed class CompleteModel(CheckoutService checkout, CheckoutCookie cookie, GuestAccess access) : PageModel
{
    public CompleteOutcome? Outcome { get; private set; }
    public string SearchUrl { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync(string draftId, string? paymentMethodId, string? cardError, CancellationToken ct)
    {
        var draft = await checkout.FindAsync(draftId, ct);
        if (draft is null || !cookie.Owns(HttpContext, draftId))
        {
            Outcome = CompleteOutcome.Expired;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        SearchUrl = $"/?HotelId={draft.HotelId}&CheckIn={Format.Iso(draft.CheckIn)}&CheckOut={Format.Iso(draft.CheckOut)}&Guests={draft.Guests}";
        if (draft.BookingReference is null && (!string.IsNullOrEmpty(cardError) || !CheckoutService.IsPaymentMethodId(paymentMethodId)))
        {
            var field = string.IsNullOrEmpty(cardError) ? "card" : Uri.EscapeDataString(cardError);
            return new SeeOther($"/checkout/{draft.Id}?cardError={field}");
        }

        var result = await checkout.CompleteAsync(draft, paymentMethodId ?? "", ct);
        Outcome = result.Outcome;
        switch (result.Outcome)
        {
            case CompleteOutcome.Placed or CompleteOutcome.AlreadyCompleted:
                access.Grant(HttpContext, result.Reference!, draft.GuestEmail);
                return new SeeOther($"/bookings/{result.Reference}");
            case CompleteOutcome.SoldOut:
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case CompleteOutcome.Expired:
                Response.StatusCode = StatusCodes.Status404NotFound;
                return Page();
            default:
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
        }
    }
}
