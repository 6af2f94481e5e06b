namespace Hotel.Booking.Bookings;

/// <summary>Who cancelled a booking, as BookingCancelled's <c>cancelledBy</c> says it.</summary>
public static class CancelledBy
{
    public const string Guest = "guest";
    public const string Agent = "agent";

    /// <summary>The hotel itself (the unpaid-booking sweep): billing refunds such a cancellation in full.</summary>
    public const string System = "system";
}

/// <summary>BookingCancelled's <c>reasonCode</c> for the system's own cancellations (null for the others).</summary>
public static class CancellationReasonCodes
{
    /// <summary>The charge failed (the guest got the payment-failed mail).</summary>
    public const string PaymentFailed = "payment_failed";

    /// <summary>Fraud screening held the charge and it never cleared (the guest got the on-hold mail).</summary>
    public const string PaymentHeld = "payment_held";

    /// <summary>No outcome of the charge arrived within the grace period.</summary>
    public const string PaymentNotReceived = "payment_not_received";
}
