namespace Hotel.Booking.Bookings;

public enum BookingStatus
{
    /// <summary>Taken, nights held; billing has not reported the payment yet.</summary>
    Placed,
    Cancelled,
    /// <summary>Billing captured the payment (PaymentCaptured).</summary>
    Paid,
    /// <summary>Billing could not charge the card (PaymentFailed); cancelled once the grace period passes.</summary>
    PaymentFailed,
}
