namespace Hotel.Billing.Tests;

using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>
/// Velocity rules over event time. Topics have one partition here so the bookings are seen in event order
/// (with several partitions the counts are the same, but which booking of a burst is the one held may vary).
/// </summary>
[Collection(BillingCollection.Name)]
public sealed class FraudTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> Rules = new()
    {
        ["Fraud:MaxBookingsPerCard"] = "3",
        ["Fraud:CardWindow"] = "00:10:00",
        ["Fraud:MaxEmailsPerCard"] = "2",
        ["Fraud:EmailWindow"] = "01:00:00",
    };

    // Event times two days in the past: processing happens now, so only event time can put them in one window.
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddDays(-2);

    [Fact]
    public async Task Card_velocity_fires_at_N_plus_1_within_the_window_not_at_N_and_the_same_after_a_replay()
    {
        var spec = await BillingSpec.NewAsync(infra, partitions: 1);
        List<TestBooking> bookings;
        await using (var app = BillingApp.Start(infra, spec, output, Rules))
        {
            using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
            // Two tokens of the same card: the rule keys on the fingerprint, not the token.
            var pm1 = await app.TokeniseAsync("4242424242424242");
            var pm2 = await app.TokeniseAsync("4242 4242 4242 4242");
            bookings = Enumerable.Range(0, 4)
                .Select(i => TestBooking.New(i % 2 == 0 ? pm1 : pm2, T0.AddMinutes(3 * i))).ToList(); // 0, 3, 6, 9 min: all within 10
            foreach (var b in bookings) await events.PlacedAsync(b);
            foreach (var b in bookings) await Db.WaitForPaymentAsync(spec.ConnectionString, b.BookingId);
        }
        await AssertStatuses(spec, bookings, "Captured", "Captured", "Captured", "Held");
        var held = Assert.Single(await Db.OutboxAsync(spec.ConnectionString, bookings[3].BookingId));
        Assert.Equal("PaymentHeld", held.Type);
        Assert.Equal("card_velocity", held.Payload.GetProperty("rule").GetString());
        Assert.Equal(bookings[3].Reference, held.Payload.GetProperty("bookingReference").GetString());
        Assert.False(string.IsNullOrWhiteSpace(held.Payload.GetProperty("reason").GetString()));
        Assert.Equal((0L, 0L, 0L), await Db.GatewayChargesAsync(spec.ConnectionString, bookings[3].BookingId));

        // Replay the topic from the start into rebuilt state (a new group; payments, windows and inbox wiped): same verdicts.
        await Db.ExecuteAsync(spec.ConnectionString, "DELETE FROM inbox; DELETE FROM refunds; DELETE FROM payments; DELETE FROM fraud_observations;");
        await using (var replay = BillingApp.Start(infra, spec with { Group = spec.Group + "-replay" }, output, Rules))
        {
            foreach (var b in bookings) await Db.WaitForPaymentAsync(spec.ConnectionString, b.BookingId);
        }
        await AssertStatuses(spec, bookings, "Captured", "Captured", "Captured", "Held");
        Assert.Equal("card_velocity", await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT hold_rule FROM payments WHERE booking_id = $1", bookings[3].BookingId));
    }

    [Fact]
    public async Task Bookings_spread_beyond_the_window_are_not_held()
    {
        var spec = await BillingSpec.NewAsync(infra, partitions: 1);
        await using var app = BillingApp.Start(infra, spec, output, Rules);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var pm = await app.TokeniseAsync("5555555555554444");
        // 0, 4, 8, 12 minutes: any 10-minute window holds at most three of them.
        var bookings = Enumerable.Range(0, 4).Select(i => TestBooking.New(pm, T0.AddMinutes(4 * i))).ToList();
        foreach (var b in bookings) await events.PlacedAsync(b);
        foreach (var b in bookings) await Db.WaitForPaymentAsync(spec.ConnectionString, b.BookingId);
        await AssertStatuses(spec, bookings, "Captured", "Captured", "Captured", "Captured");
    }

    [Fact]
    public async Task One_card_under_more_than_M_guest_emails_within_an_hour_is_held()
    {
        var spec = await BillingSpec.NewAsync(infra, partitions: 1);
        await using var app = BillingApp.Start(infra, spec, output, Rules);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var pm = await app.TokeniseAsync("4000056655665556");
        var bookings = new List<TestBooking>
        {
            TestBooking.New(pm, T0, "a@example.com"),
            TestBooking.New(pm, T0.AddMinutes(20), "B@example.com"),
            TestBooking.New(pm, T0.AddMinutes(40), "b@example.com"),      // the same e-mail, other case: still two
            TestBooking.New(pm, T0.AddMinutes(55), "c@example.com"),      // a third e-mail within the hour: held
            TestBooking.New(pm, T0.AddMinutes(130), "d@example.com"),     // an hour later the window holds only this one
        };
        foreach (var b in bookings) await events.PlacedAsync(b);
        foreach (var b in bookings) await Db.WaitForPaymentAsync(spec.ConnectionString, b.BookingId);
        await AssertStatuses(spec, bookings, "Captured", "Captured", "Captured", "Held", "Captured");
        Assert.Equal("card_email_velocity", await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT hold_rule FROM payments WHERE booking_id = $1", bookings[3].BookingId));
    }

    private static async Task AssertStatuses(BillingSpec spec, List<TestBooking> bookings, params string[] expected)
    {
        var actual = new List<string?>();
        foreach (var b in bookings) actual.Add(await Db.PaymentStatusAsync(spec.ConnectionString, b.BookingId));
        Assert.Equal(expected, actual);
    }
}
