namespace Hotel.Billing.Tests;

using Hotel.Billing.Gateways;
using Hotel.Billing.Payments;
using Hotel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

/// <summary>A gateway that keeps failing transiently leaves the payment pending, retried by the durable retrier, never lost.</summary>
[Collection(BillingCollection.Name)]
public sealed class PendingPaymentTests(InfraFixture infra, ITestOutputHelper output)
{
    private const string TransientCard = "4000000000000119";

    /// <summary>One in-process retry, then the durable retrier with short waits.</summary>
    private static Dictionary<string, string?> Settings(int transientFailures) => new()
    {
        ["Payments:SandboxTransientFailures"] = transientFailures.ToString(),
        ["Payments:MaxRetries"] = "1",
        ["Payments:PendingRetryDelay"] = "00:00:00.050",
        ["Payments:PendingRetryMaxDelay"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_gateway_failing_transiently_past_the_retries_leaves_the_payment_pending_until_it_is_captured_once_without_PaymentFailed()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output, Settings(transientFailures: 6));
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New(await app.TokeniseAsync(TransientCard));

        await events.PlacedAsync(booking);

        Assert.Equal("Captured", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s == "Captured"));
        var outbox = await Db.OutboxAsync(spec.ConnectionString, booking.BookingId);
        Assert.Equal(["PaymentPending", "PaymentCaptured"], outbox.Select(r => r.Type));
        var pending = outbox[0].Payload;
        Assert.Equal("gateway_unavailable", pending.GetProperty("reasonCode").GetString());
        Assert.True(pending.GetProperty("retryUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(30)); // the default hour
        // Two attempts in the consumer (Polly), then the retrier's until the seventh succeeded: one charge, under one key.
        Assert.Equal((1L, 1L, 7L), await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId));
        Assert.Null(await Db.ScalarAsync<DateTimeOffset?>(spec.ConnectionString, "SELECT next_attempt_at FROM payments WHERE booking_id = $1", booking.BookingId));
        Assert.Equal(await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT charge_id FROM sandbox_gateway_charges"),
            outbox[1].Payload.GetProperty("gatewayReference").GetString());
    }

    [Fact]
    public async Task A_payment_still_pending_at_its_deadline_is_voided_and_fails_as_processing_error()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var settings = Settings(transientFailures: 1_000_000);
        settings["Payments:PendingTimeout"] = "00:00:01";
        await using var app = BillingApp.Start(infra, spec, output, settings);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New(await app.TokeniseAsync(TransientCard));

        await events.PlacedAsync(booking);

        Assert.Equal("Failed", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s == "Failed"));
        var outbox = await Db.OutboxAsync(spec.ConnectionString, booking.BookingId);
        Assert.Equal(["PaymentPending", "PaymentFailed"], outbox.Select(r => r.Type));
        Assert.Equal("processing_error", outbox[1].Payload.GetProperty("reasonCode").GetString());
        Assert.Equal("voided", await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT status FROM sandbox_gateway_charges"));
        Assert.Equal(0L, (await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId)).Succeeded);
    }

    [Fact]
    public async Task Cancelling_a_booking_whose_payment_is_pending_voids_the_charge_and_nothing_is_charged_afterwards()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output, Settings(transientFailures: 1_000_000));
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New(await app.TokeniseAsync(TransientCard));

        await events.PlacedAsync(booking);
        await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s == "Pending");
        await Eventually.WaitAsync(async () => (await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId)).Requests > 3,
            TimeSpan.FromSeconds(30), "the retrier asking the gateway again");
        await events.CancelledAsync(booking, DateTimeOffset.UtcNow, cancelledBy: "guest");

        Assert.Equal("Cancelled", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s != "Pending"));
        Assert.Equal("voided", await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT status FROM sandbox_gateway_charges"));

        // The card would now succeed; nothing asks any more, and a stray request under the payment's key charges nothing.
        await Db.ExecuteAsync(spec.ConnectionString, "UPDATE sandbox_gateway_cards SET behaviour = 'succeeds'");
        var retrier = app.Services.GetServices<IHostedService>().OfType<PendingPaymentRetrier>().Single();
        Assert.Null(await retrier.RetryDueAsync(CancellationToken.None));
        var stray = await app.Services.GetRequiredService<SandboxGateway>().ChargeAsync(new ChargeRequest(IdempotencyKeys.Charge(booking.BookingId),
            booking.PaymentMethodId.Split('.')[0], booking.TotalAmount, booking.Currency, "stray"), CancellationToken.None);
        Assert.False(stray.Succeeded);
        Assert.Equal(0L, (await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId)).Succeeded);
        Assert.Equal(0L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM sandbox_gateway_refunds"));
        Assert.Equal(["PaymentPending"], (await Db.OutboxAsync(spec.ConnectionString, booking.BookingId)).Select(r => r.Type));
    }
}
