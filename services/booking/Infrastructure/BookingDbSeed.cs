namespace Hotel.Booking.Infrastructure;

using Hotel.Booking.Hotels;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The demo chain. Ids are stable so the website, tests and other services can name them; seeding
/// only adds what is missing, so it is safe on every start.
/// </summary>
public static class BookingDbSeed
{
    public const string Currency = "EUR";

    public static IReadOnlyList<Hotel> Chain { get; } =
    [
        NewHotel("ams-canal", "Canal House Amsterdam", "Amsterdam",
            ("ams-canal-double", "Classic Double", 149m, 12),
            ("ams-canal-suite", "Canal View Suite", 289m, 3)),
        NewHotel("lis-alfama", "Alfama Riverside", "Lisbon",
            ("lis-alfama-twin", "Twin Room", 119m, 10),
            ("lis-alfama-double", "Superior Double", 139m, 8),
            ("lis-alfama-loft", "Rooftop Loft", 249m, 2)),
        NewHotel("ber-mitte", "Mitte Central Berlin", "Berlin",
            ("ber-mitte-single", "Single Room", 89m, 15),
            ("ber-mitte-double", "Double Room", 129m, 20)),
        NewHotel("vie-opera", "Opera Grand Vienna", "Vienna",
            ("vie-opera-deluxe", "Deluxe King", 219m, 6),
            ("vie-opera-suite", "Imperial Suite", 549m, 1)),
    ];

    public static async Task SeedAsync(BookingDbContext db, CancellationToken ct = default)
    {
        var hotelIds = await db.Hotels.Select(h => h.Id).ToListAsync(ct);
        var roomTypeIds = await db.RoomTypes.Select(rt => rt.Id).ToListAsync(ct);
        foreach (var hotel in Chain)
        {
            if (!hotelIds.Contains(hotel.Id))
                db.Hotels.Add(new Hotel { Id = hotel.Id, Name = hotel.Name, City = hotel.City });
            foreach (var roomType in hotel.RoomTypes.Where(rt => !roomTypeIds.Contains(rt.Id)))
            {
                db.RoomTypes.Add(new RoomType
                {
                    Id = roomType.Id,
                    HotelId = hotel.Id,
                    Name = roomType.Name,
                    NightlyRate = roomType.NightlyRate,
                    Currency = roomType.Currency,
                    Rooms = roomType.Rooms,
                });
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static Hotel NewHotel(string id, string name, string city, params (string Id, string Name, decimal NightlyRate, int Rooms)[] roomTypes) =>
        new()
        {
            Id = id,
            Name = name,
            City = city,
            RoomTypes = [.. roomTypes.Select(rt => new RoomType { Id = rt.Id, HotelId = id, Name = rt.Name, NightlyRate = rt.NightlyRate, Currency = Currency, Rooms = rt.Rooms })],
        };
}
