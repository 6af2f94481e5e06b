namespace Hotel.Booking.Pages.Checkout;

using Hotel.Booking.Checkout;
using Hotel.Booking.Website;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

/// <summary>
/// Where billing hands the guest back. A POST (the browser submits billing's hand-off form) carries the payment token,
/// never a URL; the booking is placed from the draft, once. A GET with <c>cardError</c> (billing's 303 for a card to
/// correct) shows the card form again. Only the browser that started the draft may complete it (checkout cookie).
/// This is the website's booking submission, so it carries the website rate limit.
/// </summary>
/// <remarks>
/// No antiforgery token: the form is billing's page, which cannot hold booking's token. What stops a forged post
/// instead: the draft id (128 random bits) and the checkout cookie must match, the token must verify for the draft's
/// guest, and a browser's Origin must be billing's or this site's.
/// </remarks>
[EnableRateLimiting(RateLimitingOptions.WebsitePolicy)]
[IgnoreAntiforgeryToken]
public sealed class CompleteModel(CheckoutService checkout, CheckoutCookie cookie, GuestAccess access, IOptions<WebsiteOptions> options) : PageModel
{
    public CompleteOutcome? Outcome { get; private set; }
    public string SearchUrl { get; private set; } = "/";
    public string CardFormUrl { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync(string draftId, string? cardError, CancellationToken ct)
    {
        var draft = await OwnDraftAsync(draftId, ct);
        if (draft is null) return Page();
        if (draft.BookingReference is { } reference) return new SeeOther($"/bookings/{reference}");
        var field = string.IsNullOrEmpty(cardError) ? "card" : Uri.EscapeDataString(cardError);
        return new SeeOther($"/checkout/{draft.Id}?cardError={field}");
    }

    public async Task<IActionResult> OnPostAsync(string draftId, [FromForm] string? paymentMethodId, CancellationToken ct)
    {
        if (!IsFromBillingOrThisSite())
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        var draft = await OwnDraftAsync(draftId, ct);
        if (draft is null) return Page();
        if (draft.BookingReference is null && !CheckoutService.IsPaymentMethodId(paymentMethodId))
            return new SeeOther($"/checkout/{draft.Id}?cardError=card");

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

    private async Task<CheckoutDraft?> OwnDraftAsync(string draftId, CancellationToken ct)
    {
        var draft = await checkout.FindAsync(draftId, ct);
        if (draft is null || !cookie.Owns(HttpContext, draftId))
        {
            Outcome = CompleteOutcome.Expired;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return null;
        }
        SearchUrl = $"/?HotelId={draft.HotelId}&CheckIn={Format.Iso(draft.CheckIn)}&CheckOut={Format.Iso(draft.CheckOut)}&Guests={draft.Guests}";
        CardFormUrl = $"/checkout/{draft.Id}";
        return draft;
    }

    // Browsers send Origin on every POST; a client without one still needs the draft's cookie.
    private bool IsFromBillingOrThisSite()
    {
        var origin = Request.Headers.Origin.ToString();
        return origin.Length == 0
            || string.Equals(origin, options.Value.BillingBaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            || string.Equals(origin, $"{Request.Scheme}://{Request.Host}", StringComparison.OrdinalIgnoreCase)
            || (options.Value.PublicBaseUrl is { } own && string.Equals(origin, own.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));
    }
}
