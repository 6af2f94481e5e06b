namespace Hotel.CustomerCare.Tests;

using System.Text.Json;
using Hotel.CustomerCare.View;

/// <summary>
/// A scripted history of three guests across the three topics, and exactly what the view must say about it.
/// Ada: two completed stays (5 nights) in the last 12 months and one upcoming whose first charge failed → Silver.
/// Zoë Ångström: one booking charged, cancelled and refunded → New, spend 250, refunds 250.
/// Chris: one completed night whose payment was held → Returning.
/// Plus a redelivered event (same id twice) and an event type nobody handles.
/// </summary>
public sealed class Scenario
{
    public static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddDays(-150);
    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    public readonly Wire.Stay A1 = new(Guid.NewGuid(), NewRef(), "Ada Lovelace", "ada@example.com", Today.AddDays(-100), 3, 300m);
    public readonly Wire.Stay A2 = new(Guid.NewGuid(), NewRef(), "Ada King", " ADA@Example.com ", Today.AddDays(-40), 2, 200m);
    public readonly Wire.Stay A3 = new(Guid.NewGuid(), NewRef(), "Ada Lovelace", "ada@example.com", Today.AddDays(10), 4, 400m);
    public readonly Wire.Stay Z1 = new(Guid.NewGuid(), NewRef(), "Zoë Ångström", "zoe@example.com", Today.AddDays(30), 2, 250m);
    public readonly Wire.Stay C1 = new(Guid.NewGuid(), NewRef(), "Chris O'Neil", "chris@example.com", Today.AddDays(-20), 1, 90m);

    /// <summary>Distinct events the inbox must end with.</summary>
    public const int DistinctEvents = 18;

    public List<WireEvent> Events { get; }

    public Scenario()
    {
        var duplicate = Wire.Captured(A1, 300m, At(2));
        Events =
        [
            Wire.Placed(A1, At(0)), Wire.EmailSent(A1, "Confirmation", At(1)), duplicate, Wire.EmailSent(A1, "Receipt", At(3)),
            Wire.Placed(A2, At(100)), Wire.Captured(A2, 200m, At(101)),
            Wire.Placed(A3, At(200)), Wire.Failed(A3, At(201)), Wire.Captured(A3, 400m, At(230)),
            Wire.Placed(Z1, At(300)), Wire.Captured(Z1, 250m, At(301)), Wire.EmailSent(Z1, "confirmation", At(302)),
            Wire.Cancelled(Z1, At(400), "plans changed"), Wire.Refunded(Z1, 250m, At(401)), Wire.EmailSent(Z1, "Cancellation", At(402)),
            Wire.Placed(C1, At(500)), Wire.Held(C1, At(501)), Wire.EmailSent(C1, "PaymentHeld", At(502)),
            duplicate, // redelivered: same event id
            new WireEvent(WireTopic.Payment, A1.BookingId.ToString(), Guid.NewGuid(), "PaymentAuthorised", "{\"version\":2}"),
        ];
    }

    private static string NewRef() => "HT" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    /// <summary>The events in a random order across and within topics (seed printed so a failure can be replayed).</summary>
    public List<WireEvent> Shuffled(int seed)
    {
        var random = new Random(seed);
        return Events.OrderBy(_ => random.Next()).ToList();
    }

    /// <summary>Asserts the exact view through the JSON API.</summary>
    public async Task AssertViewAsync(HttpClient api)
    {
        var ada = await GuestAsync(api, "ada@example.com");
        AssertGuest(ada, "Ada Lovelace", Loyalty.Silver, stays: 3, nights: 9, cancellations: 0, spend: 900m, refunds: 0m);
        Assert.Equal(3, ada.GetProperty("bookings").GetArrayLength());
        Assert.Equal(2, ada.GetProperty("loyalty").GetProperty("staysLast12Months").GetInt32());
        Assert.Equal(5, ada.GetProperty("loyalty").GetProperty("nightsLast12Months").GetInt32());
        AssertTimeline(await TimelineAsync(api, A1), "confirmed", "captured", "placed", "email-confirmation", "payment-captured", "email-receipt");
        AssertTimeline(await TimelineAsync(api, A3), "confirmed", "captured", "placed", "payment-failed", "payment-captured");

        var zoe = await GuestAsync(api, "zoe@example.com");
        AssertGuest(zoe, "Zoë Ångström", Loyalty.New, stays: 0, nights: 0, cancellations: 1, spend: 250m, refunds: 250m);
        var z1 = await TimelineAsync(api, Z1);
        AssertTimeline(z1, "cancelled", "captured", "placed", "payment-captured", "email-confirmation", "cancelled", "refund-issued", "email-cancellation");
        Assert.Equal("plans changed", z1.GetProperty("cancellationReason").GetString());
        Assert.Equal(250m, z1.GetProperty("refunded").GetDecimal());

        var chris = await GuestAsync(api, "chris@example.com");
        AssertGuest(chris, "Chris O'Neil", Loyalty.Returning, stays: 1, nights: 1, cancellations: 0, spend: 0m, refunds: 0m);
        AssertTimeline(await TimelineAsync(api, C1), "confirmed", "held", "placed", "payment-held", "email-payment-held");

        // Search: partial name without accents or case, e-mail, booking reference.
        Assert.Equal(["zoe@example.com"], await SearchAsync(api, "ANGSTR"));
        Assert.Equal(["ada@example.com"], await SearchAsync(api, "lovel"));
        Assert.Equal(["chris@example.com"], await SearchAsync(api, C1.Reference.ToLowerInvariant()));
        Assert.Equal(["ada@example.com"], await SearchAsync(api, "ada@example.com"));
    }

    private static async Task<List<string>> SearchAsync(HttpClient api, string query) =>
        (await CareApp.GetJsonAsync(api, $"/api/guests?query={Uri.EscapeDataString(query)}")).EnumerateArray()
            .Select(g => g.GetProperty("email").GetString()!).ToList();

    private static async Task<JsonElement> GuestAsync(HttpClient api, string email)
    {
        var found = (await CareApp.GetJsonAsync(api, $"/api/guests?query={Uri.EscapeDataString(email)}")).EnumerateArray().Single();
        return await CareApp.GetJsonAsync(api, $"/api/guests/{found.GetProperty("id").GetGuid()}");
    }

    private static Task<JsonElement> TimelineAsync(HttpClient api, Wire.Stay stay) => CareApp.GetJsonAsync(api, $"/api/bookings/{stay.Reference}/timeline");

    private static void AssertGuest(JsonElement g, string name, string tier, int stays, int nights, int cancellations, decimal spend, decimal refunds)
    {
        Assert.Equal(name, g.GetProperty("name").GetString());
        Assert.Equal(tier, g.GetProperty("loyalty").GetProperty("tier").GetString());
        Assert.False(string.IsNullOrWhiteSpace(g.GetProperty("loyalty").GetProperty("gesture").GetString()));
        Assert.Equal(stays, g.GetProperty("stays").GetInt32());
        Assert.Equal(nights, g.GetProperty("nights").GetInt32());
        Assert.Equal(cancellations, g.GetProperty("cancellations").GetInt32());
        Assert.Equal(spend, g.GetProperty("lifetimeSpend").GetDecimal());
        Assert.Equal(refunds, g.GetProperty("refunds").GetDecimal());
        Assert.Equal("EUR", g.GetProperty("currency").GetString());
    }

    private static void AssertTimeline(JsonElement booking, string status, string paymentStatus, params string[] kinds)
    {
        Assert.Equal(status, booking.GetProperty("status").GetString());
        Assert.Equal(paymentStatus, booking.GetProperty("paymentStatus").GetString());
        var timeline = booking.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(kinds, timeline.Select(t => t.GetProperty("kind").GetString()!).ToArray());
        var times = timeline.Select(t => t.GetProperty("occurredAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order().ToList(), times);
    }
}
