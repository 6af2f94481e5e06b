namespace Hotel.CustomerCare.View;

/// <summary>A guest's loyalty, derived from the view at read time (it depends on today's date, so it is not stored).</summary>
public sealed record LoyaltyStatus(string Tier, string Gesture, int CompletedStays, int StaysLast12Months, int NightsLast12Months);

/// <summary>
/// Tiers by completed stays (not cancelled, checked out) in the last 12 months:
/// Platinum ≥ 20 nights or ≥ 8 stays; Gold ≥ 10 nights or ≥ 4 stays; Silver ≥ 4 nights or ≥ 2 stays;
/// Returning: any completed stay ever; otherwise New.
/// </summary>
public static class Loyalty
{
    public const string Platinum = "Platinum", Gold = "Gold", Silver = "Silver", Returning = "Returning", New = "New";

    public static LoyaltyStatus For(IEnumerable<GuestBooking> bookings, DateOnly today)
    {
        var completed = bookings
            .Where(b => b.Status == BookingStates.Confirmed && b.CheckOut is { } co && co <= today)
            .ToList();
        var recent = completed.Where(b => b.CheckOut!.Value > today.AddDays(-365)).ToList();
        var nights = recent.Sum(b => b.Nights);
        var stays = recent.Count;
        var tier = nights >= 20 || stays >= 8 ? Platinum
            : nights >= 10 || stays >= 4 ? Gold
            : nights >= 4 || stays >= 2 ? Silver
            : completed.Count > 0 ? Returning
            : New;
        return new LoyaltyStatus(tier, GestureFor(tier), completed.Count, stays, nights);
    }

    public static string GestureFor(string tier) => tier switch
    {
        Platinum => "Platinum guest — thank them personally; offer a suite upgrade and a welcome amenity.",
        Gold => "Gold guest — offer a complimentary room upgrade and late checkout.",
        Silver => "Loyal guest — offer a room upgrade when one is free.",
        Returning => "Returning guest — welcome them back; offer an upgrade if one is free.",
        _ => "First stay with us — welcome them and offer help with their arrival.",
    };
}
