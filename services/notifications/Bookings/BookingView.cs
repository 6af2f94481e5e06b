namespace Hotel.Notifications.Bookings;

/// <summary>What notifications knows of a booking: enough to address and fill in every mail about it.</summary>
public sealed class BookingView
{
    public Guid BookingId { get; set; }
    public required string Reference { get; set; }
    public required string GuestName { get; set; }
    public required string GuestEmail { get; set; }
    public required string HotelName { get; set; }
    public required string RoomTypeName { get; set; }
    public DateOnly CheckIn { get; set; }
    public DateOnly CheckOut { get; set; }
    public int Nights { get; set; }
    public decimal TotalAmount { get; set; }
    public required string Currency { get; set; }
    public BookingViewStatus Status { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancellationReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum BookingViewStatus { Placed, Cancelled }

/// <summary>A guest as notifications knows them, by e-mail address (lower case).</summary>
public sealed class GuestView
{
    public required string Email { get; set; }
    public required string Name { get; set; }
    public int Bookings { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}
