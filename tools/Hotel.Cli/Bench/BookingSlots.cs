using System.Net.Http.Json;
using Npgsql;

namespace Hotel.Cli.Bench;

public sealed record BookingSlot(string HotelId, string RoomTypeId, DateOnly CheckIn);

/// <summary>
/// One-night stays for the bench to book, so inventory never runs out: every room of the seeded chain on every
/// night up to the booking horizon, handed out in random order. Should a run need more than that (the chain has
/// 77 rooms, so about 56,000 stays), every room type gets its seeded number of rooms again, in the bench's own
/// database only, and the same nights are offered once more.
/// </summary>
public sealed class BookingSlots
{
    /// <summary>Check-in may be at most 730 days ahead (the booking service's <c>PlaceBookingRequest.MaxDaysAhead</c>); a day less keeps clear of midnight.</summary>
    private const int HorizonDays = 729;

    private readonly string _bookingConnectionString;
    private readonly List<RoomTypeDto> _roomTypes;
    private readonly Queue<BookingSlot> _free = new();

    private BookingSlots(string bookingConnectionString, List<RoomTypeDto> roomTypes)
    {
        _bookingConnectionString = bookingConnectionString;
        _roomTypes = roomTypes;
        Refill();
    }

    public static async Task<BookingSlots> LoadAsync(HttpClient booking, string bookingConnectionString)
    {
        var hotels = await booking.GetFromJsonAsync<List<HotelDto>>("/api/hotels") ?? throw new CliException("GET /api/hotels returned nothing.");
        var roomTypes = hotels.SelectMany(h => h.RoomTypes.Select(rt => rt with { HotelId = h.Id })).Where(rt => rt.Rooms > 0).ToList();
        if (roomTypes.Count == 0) throw new CliException("the booking service offers no rooms to book.");
        return new BookingSlots(bookingConnectionString, roomTypes);
    }

    public async Task<List<BookingSlot>> TakeAsync(int count)
    {
        var taken = new List<BookingSlot>(count);
        while (taken.Count < count)
        {
            if (_free.Count == 0)
            {
                await AddSeededRoomsAgainAsync();
                Refill();
            }
            taken.Add(_free.Dequeue());
        }
        return taken;
    }

    private void Refill()
    {
        var start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        var all = new List<BookingSlot>();
        for (var day = 0; day < HorizonDays; day++)
            foreach (var rt in _roomTypes)
                for (var room = 0; room < rt.Rooms; room++)
                    all.Add(new BookingSlot(rt.HotelId!, rt.Id, start.AddDays(day)));
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(all));
        foreach (var slot in all) _free.Enqueue(slot);
    }

    private async Task AddSeededRoomsAgainAsync()
    {
        await using var conn = new NpgsqlConnection(_bookingConnectionString);
        await conn.OpenAsync();
        foreach (var rt in _roomTypes)
        {
            await using var cmd = new NpgsqlCommand(
                "UPDATE room_types SET rooms = rooms + $2 WHERE id = $1; UPDATE room_nights SET total = total + $2 WHERE room_type_id = $1", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = rt.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = rt.Rooms });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private sealed record HotelDto(string Id, List<RoomTypeDto> RoomTypes);

    private sealed record RoomTypeDto(string Id, int Rooms, string? HotelId);
}
