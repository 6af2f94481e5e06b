namespace Hotel.Booking.Apis;

using Hotel.Booking.Bookings;
using Hotel.Booking.Hotels;
using Hotel.Booking.Infrastructure;
using Hotel.Booking.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

public static class HotelsApi
{
    public static RouteGroupBuilder MapHotelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/hotels").WithTags("Hotels");
        api.MapGet("/", GetHotels).WithSummary("The chain's hotels and their room types.");
        api.MapGet("/{hotelId}/availability", GetAvailability)
            .WithSummary("Rooms free for a whole stay, per room type (the least over its nights).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Ok<List<HotelResponse>>> GetHotels(BookingDbContext db, CancellationToken ct)
    {
        var hotels = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).OrderBy(h => h.Name).ToListAsync(ct);
        return TypedResults.Ok(hotels.Select(HotelResponse.From).ToList());
    }

    public static async Task<Results<Ok<AvailabilityResponse>, ValidationProblem, ProblemHttpResult>> GetAvailability(
        string hotelId, DateOnly checkIn, DateOnly checkOut, BookingDbContext db, RoomInventory inventory, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (checkOut <= checkIn) errors["checkOut"] = ["Check-out must be after check-in."];
        else if (checkOut.DayNumber - checkIn.DayNumber > PlaceBookingRequest.MaxNights)
            errors["checkOut"] = [$"A stay can be at most {PlaceBookingRequest.MaxNights} nights."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var hotel = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).SingleOrDefaultAsync(h => h.Id == hotelId, ct);
        if (hotel is null) return Problems.NotFound($"There is no hotel '{hotelId}'.");

        var nights = checkOut.DayNumber - checkIn.DayNumber;
        var roomsLeft = await inventory.RoomsLeftAsync(hotel.RoomTypes, checkIn, checkOut, ct);
        return TypedResults.Ok(new AvailabilityResponse(hotel.Id, checkIn, checkOut, nights,
            [.. hotel.RoomTypes.OrderBy(rt => rt.NightlyRate).Select(rt => new RoomTypeAvailability(
                rt.Id, rt.Name, rt.NightlyRate, rt.NightlyRate * nights, rt.Currency, roomsLeft[rt.Id]))]));
    }
}

public sealed record HotelResponse(string Id, string Name, string City, IReadOnlyList<RoomTypeResponse> RoomTypes)
{
    public static HotelResponse From(Hotel hotel) => new(hotel.Id, hotel.Name, hotel.City,
        [.. hotel.RoomTypes.OrderBy(rt => rt.NightlyRate).Select(rt => new RoomTypeResponse(rt.Id, rt.Name, rt.NightlyRate, rt.Currency, rt.Rooms))]);
}

public sealed record RoomTypeResponse(string Id, string Name, decimal NightlyRate, string Currency, int Rooms);

public sealed record AvailabilityResponse(string HotelId, DateOnly CheckIn, DateOnly CheckOut, int Nights, IReadOnlyList<RoomTypeAvailability> RoomTypes);

public sealed record RoomTypeAvailability(string RoomTypeId, string Name, decimal NightlyRate, decimal TotalAmount, string Currency, int RoomsLeft);
