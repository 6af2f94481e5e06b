namespace Hotel.Billing.Payments;

/// <summary>
/// Full refund when cancelled at least <c>notice</c> (48 h) before check-in (check-in day at <c>checkInTime</c>, UTC);
/// later than that, the first night is kept and the rest refunded. Cancellation time is the event's own.
/// </summary>
public static class RefundPolicy
{
    public static DateTimeOffset CheckInMoment(DateOnly checkIn, TimeOnly checkInTime) =>
        new(checkIn.ToDateTime(checkInTime, DateTimeKind.Utc));

    public static decimal RefundDue(decimal charged, decimal nightlyRate, DateOnly checkIn, DateTimeOffset cancelledAt, TimeOnly checkInTime, TimeSpan notice)
    {
        if (cancelledAt <= CheckInMoment(checkIn, checkInTime) - notice) return charged;
        return Math.Max(0m, charged - Math.Min(nightlyRate, charged));
    }
}
