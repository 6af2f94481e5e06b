namespace Hotel.Booking.Hotels;

/// <summary>A kind of room at one hotel, with its nightly rate and how many such rooms the hotel has.</summary>
public sealed class RoomType
{
    public required string Id { get; init; }
    public required string HotelId { get; init; }
    public Hotel? Hotel { get; init; }
    public required string Name { get; set; }
    public decimal NightlyRate { get; set; }
    public required string Currency { get; set; }
    public int Rooms { get; set; }
}
