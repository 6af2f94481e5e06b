namespace Hotel.Billing.Tests;

using Hotel.Billing.Gateways;
using Hotel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

/// <summary>
/// The crash window: the gateway charged, billing's payment row never committed, and the BookingPlaced is never applied again
/// (dead-lettered, say; a new topic and consumer group stand for that). The reconciler finds the charge and settles it.
/// </summary>
[Collection(BillingCollection.Name)]
public sealed class ChargeReconcilerTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> ReconcileAtOnce = new() { ["Payments:ReconcileAfter"] = "00:00:00" };

    [Fact]
    public async Task A_charge_whose_payment_row_was_lost_is_recorded_and_kept_when_the_booking_stands()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var booking = await ChargeAndCrashAsync(spec);
        var later = spec with { BookingTopic = infra.NewTopic("booking-events", 4), Group = "billing-" + Guid.NewGuid().ToString("N")[..8] };

        await using var app = BillingApp.Start(infra, later, output, ReconcileAtOnce); // reconciles at startup

        Assert.Equal("Captured", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId));
        var chargeId = await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT charge_id FROM sandbox_gateway_charges");
        var captured = Assert.Single(await Db.OutboxAsync(spec.ConnectionString, booking.BookingId));
        Assert.Equal("PaymentCaptured", captured.Type);
        Assert.Equal(chargeId, captured.Payload.GetProperty("gatewayReference").GetString());
        Assert.Equal(booking.Reference, captured.Payload.GetProperty("bookingReference").GetString());
        Assert.Equal(361.50m, captured.Payload.GetProperty("amount").GetDecimal());
        Assert.Equal("4242", captured.Payload.GetProperty("last4").GetString());
        Assert.Equal(booking.GuestEmail, await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT guest_email FROM payments WHERE booking_id = $1", booking.BookingId));
        Assert.Equal(booking.CheckIn, await Db.ScalarAsync<DateOnly>(spec.ConnectionString, "SELECT check_in FROM payments WHERE booking_id = $1", booking.BookingId));
        Assert.Contains(app.Logs.Lines, l => l.Contains("recorded charge " + chargeId, StringComparison.Ordinal));

        // The BookingPlaced replayed after all (from the dead letters): the payment exists, nothing is charged again.
        using var events = new BookingEvents(infra.BootstrapServers, later.BookingTopic);
        await events.PlacedAsync(booking);
        await Eventually.WaitAsync(async () => await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM inbox") == 1,
            TimeSpan.FromSeconds(30), "the replayed BookingPlaced applied");
        Assert.Equal((1L, 1L, 1L), await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId));
        Assert.Single(await Db.OutboxAsync(spec.ConnectionString, booking.BookingId));
    }

    [Fact]
    public async Task A_charge_whose_payment_row_was_lost_is_refunded_in_full_when_the_booking_was_cancelled()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var booking = await ChargeAndCrashAsync(spec);
        var later = spec with { BookingTopic = infra.NewTopic("booking-events", 4), Group = "billing-" + Guid.NewGuid().ToString("N")[..8] };
        await using (var app = BillingApp.Start(infra, later, output, new Dictionary<string, string?> { ["Payments:ReconcileAfter"] = "1.00:00:00" }))
        {
            using var events = new BookingEvents(infra.BootstrapServers, later.BookingTopic);
            await events.CancelledAsync(booking, DateTimeOffset.UtcNow, cancelledBy: "guest");
            await Eventually.WaitAsync(async () => await Db.ScalarAsync<long>(spec.ConnectionString,
                "SELECT count(*) FROM booking_cancellations WHERE booking_id = $1", booking.BookingId) == 1, TimeSpan.FromSeconds(30), "the cancellation seen");
            Assert.Null(await Db.PaymentStatusAsync(spec.ConnectionString, booking.BookingId)); // that run's reconciler left the young charge alone
        }

        await using var restarted = BillingApp.Start(infra, later, output, ReconcileAtOnce);

        Assert.Equal("Refunded", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId));
        var chargeId = await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT charge_id FROM sandbox_gateway_charges");
        Assert.Equal(361.50m, await Db.ScalarAsync<decimal>(spec.ConnectionString, "SELECT amount FROM sandbox_gateway_refunds WHERE charge_id = $1", chargeId));
        Assert.Equal(1L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM sandbox_gateway_refunds"));
        Assert.Equal(["RefundIssued"], (await Db.OutboxAsync(spec.ConnectionString, booking.BookingId)).Select(r => r.Type));
        Assert.Contains(restarted.Logs.Lines, l => l.Contains("refunded charge " + chargeId, StringComparison.Ordinal));
    }

    /// <summary>Billing charges the booking and stops before its payment row commits.</summary>
    private async Task<TestBooking> ChargeAndCrashAsync(BillingSpec spec)
    {
        var charged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = BillingApp.Start(infra, spec, output, services: s => s.AddSingleton<IPaymentGateway>(
            sp => new HangAfterChargeGateway(sp.GetRequiredService<SandboxGateway>(), charged)));
        var booking = TestBooking.New(await app.TokeniseAsync("4242424242424242"));
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        await events.PlacedAsync(booking);
        await charged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return booking;
    }
}
