namespace Hotel.Booking.Inventory;

/// <summary>
/// Inventory of one room type for one night. Created on first booking of that night with
/// <see cref="Total"/> copied from the room type, so a later change of room count does not
/// rewrite nights already sold.
/// </summary>
public sealed class RoomNight
{
    public required string RoomTypeId { get; init; }
    public DateOnly Night { get; init; }
    public int Total { get; set; }
    public int Booked { get; set; }
}
