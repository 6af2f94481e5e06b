namespace Hotel.Billing.Tests;

using System.Net;
using System.Net.Http.Json;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

/// <summary>Payment tokens are bound to one guest: billing charges only a token issued for the booking's guest, and screens every one.</summary>
[Collection(BillingCollection.Name)]
public sealed class PaymentTokenTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task A_token_issued_for_another_guest_or_made_up_is_never_charged_and_the_payment_fails_as_invalid()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var evesToken = await app.TokeniseAsync("4242424242424242", email: "eve@example.com");
        var stolen = TestBooking.New("pm_unused", email: "ada@example.com").WithToken(evesToken);
        var madeUp = TestBooking.New("pm_unused", email: "ada@example.com").WithToken("pm_4242424242424242");
        var forged = TestBooking.New("pm_unused").WithToken(TestPaymentTokens.For("ada@example.com", evesToken.Split('.')[0], key: "someone-else's-key-0123456789abcdef-xyz"));
        var own = TestBooking.New(await app.TokeniseAsync("4242424242424242", email: "Ada@Example.com"));

        foreach (var b in new[] { stolen, madeUp, forged, own }) await events.PlacedAsync(b);

        foreach (var b in new[] { stolen, madeUp, forged })
        {
            Assert.Equal("Failed", await Db.WaitForPaymentAsync(spec.ConnectionString, b.BookingId));
            Assert.Equal("invalid_payment_method", await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT failure_code FROM payments WHERE booking_id = $1", b.BookingId));
            Assert.Equal((0L, 0L, 0L), await Db.GatewayChargesAsync(spec.ConnectionString, b.BookingId));
            Assert.Equal(["PaymentFailed"], (await Db.OutboxAsync(spec.ConnectionString, b.BookingId)).Select(r => r.Type));
        }
        Assert.Equal("Captured", await Db.WaitForPaymentAsync(spec.ConnectionString, own.BookingId));
    }

    [Fact]
    public async Task Fraud_screening_counts_a_token_billing_has_no_row_for()
    {
        var spec = await BillingSpec.NewAsync(infra, partitions: 1);
        await using var app = BillingApp.Start(infra, spec, output, new Dictionary<string, string?> { ["Fraud:MaxBookingsPerCard"] = "3" });
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        var bookings = Enumerable.Range(0, 4).Select(i => TestBooking.New("pm_tokenised_elsewhere", t0.AddMinutes(i))).ToList();

        foreach (var b in bookings) await events.PlacedAsync(b);

        Assert.Equal("Held", await Db.WaitForPaymentAsync(spec.ConnectionString, bookings[3].BookingId));
        Assert.Equal("card_velocity", await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT hold_rule FROM payments WHERE booking_id = $1", bookings[3].BookingId));
        Assert.Equal(4L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM fraud_observations"));
    }

    [Fact]
    public async Task The_unpaid_booking_sweeps_cancellation_that_reaches_a_paused_billing_with_its_BookingPlaced_ends_in_a_full_refund()
    {
        // Billing is not running while the booking is placed and the sweep cancels it (the day before check-in, when a
        // guest's own cancellation would keep the first night); then billing starts and meets both events in order.
        var spec = await BillingSpec.NewAsync(infra);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        var placedAt = DateTimeOffset.UtcNow.AddMinutes(-31);
        TestBooking swept, guests;
        await using (var first = BillingApp.Start(infra, spec, output))
        {
            swept = TestBooking.New(await first.TokeniseAsync("4242424242424242"), placedAt, checkIn: checkIn, nights: 2, nightlyRate: 100m);
            guests = TestBooking.New(await first.TokeniseAsync("4242424242424242", email: "grace@example.com"), placedAt, "grace@example.com", checkIn, 2, 100m);
        } // billing stops: its consumer is not running while the booking service places and cancels

        await events.PlacedAsync(swept);
        await events.CancelledAsync(swept, DateTimeOffset.UtcNow, cancelledBy: "system");
        await events.PlacedAsync(guests);
        await events.CancelledAsync(guests, DateTimeOffset.UtcNow, cancelledBy: "guest");

        await using var resumed = BillingApp.Start(infra, spec, output);
        var status = await Db.WaitForPaymentAsync(spec.ConnectionString, swept.BookingId, s => s is "Cancelled" or "Refunded" or "PartiallyRefunded");
        Assert.True(status is "Cancelled" or "Refunded", $"the system's cancellation ended {status}");
        var charged = (await Db.GatewayChargesAsync(spec.ConnectionString, swept.BookingId)).Succeeded;
        var refunded = await Db.ScalarAsync<decimal>(spec.ConnectionString,
            "SELECT coalesce(sum(amount), 0) FROM sandbox_gateway_refunds WHERE idempotency_key = $1", $"booking-{swept.BookingId}-refund");
        Assert.Equal(charged == 0 ? 0m : 200m, refunded);

        // The guest's own late cancellation still follows the policy: the first night is kept.
        Assert.Equal("PartiallyRefunded", await Db.WaitForPaymentAsync(spec.ConnectionString, guests.BookingId, s => s is "PartiallyRefunded" or "Refunded"));
    }

    [Theory]
    [InlineData("Production", "dev-only-payment-token-key-0123456789abcdef")]
    [InlineData("Production", "")]
    public async Task Startup_is_refused_naming_PaymentTokens_Key_without_a_key_or_with_the_development_key_in_Production(string environment, string key)
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseEnvironment(environment)
            .UseSetting("ConnectionStrings:Billing", spec.ConnectionString)
            .UseSetting("PaymentTokens:Key", key));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains("PaymentTokens:Key", error.Message);
    }

    [Fact]
    public async Task Tokenising_without_the_guests_email_is_a_problem_naming_email()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var response = await app.Client.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 2, cvc = "123", holderName = "Ada" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"email\"", await response.Content.ReadAsStringAsync());
    }
}
