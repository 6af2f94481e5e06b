namespace Hotel.Booking.Pages.Checkout;

using Hotel.Booking.Checkout;
using Hotel.Booking.Hotels;
using Hotel.Booking.Infrastructure;
using Hotel.Booking.Website;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary>
/// Checkout step 2: the card form. Its action is billing's form endpoint, so the card number goes from the browser
/// to billing and never through booking; with it goes the guest's e-mail, which the token is bound to. Billing hands
/// the browser back to <c>/checkout/{id}/complete</c> with a form post of the token (or a 303 naming the field to correct).
/// </summary>
public sealed class IndexModel(CheckoutService checkout, CheckoutCookie cookie, BookingDbContext db, IOptions<WebsiteOptions> options) : PageModel
{
    public CheckoutDraft? Draft { get; private set; }
    public Hotel? Hotel { get; private set; }
    public RoomType? RoomType { get; private set; }
    public string? CardError { get; private set; }
    public string? CardErrorField { get; private set; }
    public string FormAction { get; private set; } = "";
    public string ReturnUrl { get; private set; } = "";
    public bool ShowTestCards => options.Value.ShowTestCards;
    public int ExpiryYear { get; } = DateTime.UtcNow.Year;

    public static string? CardErrorText(string? field) => field switch
    {
        null or "" => null,
        "number" => "That card number is not valid. Please check the digits and try again.",
        "expMonth" or "expYear" => "Please check the expiry date: the card may have expired.",
        "cvc" => "Please check the security code: 3 digits on the back (4 on the front for American Express).",
        "holderName" => "Please enter the name on the card.",
        _ => "Please check the card details and try again.",
    };

    public async Task<IActionResult> OnGetAsync(string draftId, string? cardError, CancellationToken ct)
    {
        Draft = await checkout.FindAsync(draftId, ct);
        if (Draft is null || !cookie.Owns(HttpContext, draftId) || checkout.IsExpired(Draft))
        {
            Draft = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        if (Draft.BookingReference is { } reference) return new SeeOther($"/bookings/{reference}");

        Hotel = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).SingleAsync(h => h.Id == Draft.HotelId, ct);
        RoomType = Hotel.RoomTypes.Single(rt => rt.Id == Draft.RoomTypeId);
        CardErrorField = cardError;
        CardError = CardErrorText(cardError);
        FormAction = new Uri(options.Value.BillingBaseUrl, "/payment-methods/form").ToString();
        ReturnUrl = $"{options.Value.BaseUrlOf(Request)}/checkout/{Draft.Id}/complete";
        return Page();
    }
}
