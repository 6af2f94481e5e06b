namespace Hotel.Booking.Website;

/// <summary>
/// What a cancellation now gives back, to show the guest before they confirm. A copy of billing's rule —
/// services/billing/Payments/RefundPolicy.cs with Payments:CheckInTime 15:00 UTC and Payments:FullRefundNotice 48 h —
/// which is the one that actually decides the refund; change both together.
/// </summary>
public static class RefundRule
{
    public static readonly TimeOnly CheckInTime = new(15, 0);
    public static readonly TimeSpan FullRefundNotice = TimeSpan.FromHours(48);

    public static DateTimeOffset CheckInMoment(DateOnly checkIn) => new(checkIn.ToDateTime(CheckInTime, DateTimeKind.Utc));

    public static DateTimeOffset FullRefundDeadline(DateOnly checkIn) => CheckInMoment(checkIn) - FullRefundNotice;

    public static decimal RefundDue(decimal charged, decimal nightlyRate, DateOnly checkIn, DateTimeOffset cancelledAt)
    {
        if (cancelledAt <= FullRefundDeadline(checkIn)) return charged;
        return Math.Max(0m, charged - Math.Min(nightlyRate, charged));
    }
}
