namespace Hotel.Booking.Bookings;

public enum BookingStatus
{
    Placed,
    Cancelled,
}
