namespace Hotel.Booking.Pages;

using Hotel.Booking.Bookings;
using Hotel.Booking.Checkout;
using Hotel.Booking.Hotels;
using Hotel.Booking.Infrastructure;
using Hotel.Booking.Inventory;
using Hotel.Booking.Website;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Checkout step 1: the stay and the guest's name and e-mail. Posting keeps them in a server-side draft and
/// moves to the card form (step 2), whose card fields post straight to billing.
/// </summary>
[EnableRateLimiting(RateLimitingOptions.WebsitePolicy)]
public sealed class BookModel(BookingDbContext db, RoomInventory inventory, BookingService bookings, CheckoutService checkout,
    CheckoutCookie checkoutCookie) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? HotelId { get; set; }
    [BindProperty(SupportsGet = true)] public string? RoomTypeId { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? CheckIn { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? CheckOut { get; set; }
    [BindProperty(SupportsGet = true)] public int? Guests { get; set; }
    [BindProperty] public string? GuestName { get; set; }
    [BindProperty] public string? GuestEmail { get; set; }

    public Hotel? Hotel { get; private set; }
    public RoomType? RoomType { get; private set; }
    public int Nights { get; private set; }
    public int RoomsLeft { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    /// <summary>The stay itself cannot be booked (bad dates, unknown room): nothing to fill in.</summary>
    public bool StayInvalid { get; private set; }

    public string SearchUrl => $"/?HotelId={HotelId}&CheckIn={(CheckIn is { } a ? Format.Iso(a) : "")}&CheckOut={(CheckOut is { } b ? Format.Iso(b) : "")}&Guests={Guests}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadStayAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadStayAsync(ct);
        if (StayInvalid) return Page();

        var request = new PlaceBookingRequest(HotelId, RoomTypeId, CheckIn, CheckOut, new GuestRequest(GuestName, GuestEmail?.Trim()), "pm_pending");
        foreach (var (field, messages) in request.Validate(bookings.Today))
        {
            var key = field switch { "guest.name" => nameof(GuestName), "guest.email" => nameof(GuestEmail), _ => field };
            Errors.TryAdd(key, key == nameof(GuestEmail) ? "Please enter a valid e-mail address, like name@example.com." :
                key == nameof(GuestName) ? "Please enter the name the booking is for (up to 200 characters)." : messages[0]);
        }
        if (Errors.Count > 0) return Page();
        if (RoomsLeft <= 0) return Page(); // the page explains it is sold out

        var draft = await checkout.CreateAsync(request, Guests ?? 2, ct);
        checkoutCookie.Set(HttpContext, draft.Id);
        return new SeeOther($"/checkout/{draft.Id}");
    }

    private async Task LoadStayAsync(CancellationToken ct)
    {
        IndexModel.Validate(CheckIn, CheckOut, Guests, bookings.Today, Errors);
        Hotel = HotelId is null ? null : await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).SingleOrDefaultAsync(h => h.Id == HotelId, ct);
        RoomType = Hotel?.RoomTypes.SingleOrDefault(rt => rt.Id == RoomTypeId);
        if (RoomType is null) Errors.TryAdd(nameof(RoomTypeId), "We could not find that room. Please search again.");
        StayInvalid = Errors.Count > 0;
        if (StayInvalid) return;
        Nights = CheckOut!.Value.DayNumber - CheckIn!.Value.DayNumber;
        RoomsLeft = (await inventory.RoomsLeftAsync([RoomType!], CheckIn.Value, CheckOut.Value, ct))[RoomType!.Id];
    }
}
