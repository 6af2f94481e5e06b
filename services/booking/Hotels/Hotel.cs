namespace Hotel.Booking.Hotels;

/// <summary>A hotel of the chain. Ids are stable slugs so the website and tests can refer to them.</summary>
public sealed class Hotel
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string City { get; set; }
    public List<RoomType> RoomTypes { get; init; } = [];
}
