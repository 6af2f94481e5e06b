namespace Hotel.Booking.Pages;

using Hotel.Booking.Bookings;
using Hotel.Booking.Hotels;
using Hotel.Booking.Infrastructure;
using Hotel.Booking.Inventory;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

/// <summary>The search: a hotel, dates and guests (a GET form, so results can be bookmarked); room types with rate and stay total.</summary>
public sealed class IndexModel(BookingDbContext db, RoomInventory inventory, BookingService bookings) : PageModel
{
    public const int MaxGuests = 4;

    [BindProperty(SupportsGet = true)] public string? HotelId { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? CheckIn { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? CheckOut { get; set; }
    [BindProperty(SupportsGet = true)] public int? Guests { get; set; }

    public List<Hotel> Hotels { get; private set; } = [];
    public Hotel? Hotel { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public List<Offer> Offers { get; private set; } = [];
    public int Nights { get; private set; }
    public bool Searched { get; private set; }
    public DateOnly Today => bookings.Today;

    public sealed record Offer(RoomType RoomType, decimal Total, int RoomsLeft);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Hotels = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).OrderBy(h => h.City).ToListAsync(ct);
        Searched = HotelId is not null || CheckIn is not null || CheckOut is not null;
        // Values the binder could not read (e.g. a hand-typed date) are errors on their field, not an error page.
        foreach (var (key, entry) in ModelState)
            if (entry.Errors.Count > 0) Errors[key] = "Please enter a valid value.";
        if (!Searched)
        {
            CheckIn = Today.AddDays(14);
            CheckOut = Today.AddDays(16);
            Guests = 2;
            return;
        }

        Hotel = Hotels.SingleOrDefault(h => h.Id == HotelId);
        if (Hotel is null) Errors.TryAdd(nameof(HotelId), "Please choose a hotel.");
        Validate(CheckIn, CheckOut, Guests, Today, Errors);
        Guests ??= 2;
        if (Errors.Count > 0 || Hotel is null) return;

        Nights = CheckOut!.Value.DayNumber - CheckIn!.Value.DayNumber;
        var left = await inventory.RoomsLeftAsync(Hotel.RoomTypes, CheckIn.Value, CheckOut.Value, ct);
        Offers = [.. Hotel.RoomTypes.OrderBy(rt => rt.NightlyRate).Select(rt => new Offer(rt, rt.NightlyRate * Nights, left[rt.Id]))];
    }

    /// <summary>The stay rules, in the guest's words, keyed by form field.</summary>
    public static void Validate(DateOnly? checkIn, DateOnly? checkOut, int? guests, DateOnly today, Dictionary<string, string> errors)
    {
        if (checkIn is null) errors.TryAdd(nameof(CheckIn), "Please choose a check-in date.");
        else if (checkIn < today) errors.TryAdd(nameof(CheckIn), "Check-in cannot be in the past; please choose today or a later date.");
        else if (checkIn > today.AddDays(PlaceBookingRequest.MaxDaysAhead))
            errors.TryAdd(nameof(CheckIn), $"We take bookings up to {PlaceBookingRequest.MaxDaysAhead} days ahead.");

        if (checkOut is null) errors.TryAdd(nameof(CheckOut), "Please choose a check-out date.");
        else if (checkIn is { } start && checkOut <= start) errors.TryAdd(nameof(CheckOut), "Check-out must be at least one day after check-in.");
        else if (checkIn is { } from && checkOut.Value.DayNumber - from.DayNumber > PlaceBookingRequest.MaxNights)
            errors.TryAdd(nameof(CheckOut), $"A stay can be at most {PlaceBookingRequest.MaxNights} nights; for longer stays, please book twice or call us.");

        if (guests is not null && guests is < 1 or > MaxGuests) errors.TryAdd(nameof(Guests), $"A room sleeps 1 to {MaxGuests} guests.");
    }
}
