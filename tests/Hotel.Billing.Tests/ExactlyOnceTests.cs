namespace Hotel.Billing.Tests;

using Hotel.Billing.Gateways;
using Hotel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

/// <summary>One charge at the gateway per booking, whatever Kafka, a crash or a replay does.</summary>
[Collection(BillingCollection.Name)]
public sealed class ExactlyOnceTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task The_same_BookingPlaced_delivered_three_times_charges_once()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New(await app.TokeniseAsync("4242424242424242"));

        var eventId = Guid.CreateVersion7();
        for (var i = 0; i < 3; i++) await events.PlacedAsync(booking, eventId);   // redelivery: the same event three times
        await events.PlacedAsync(booking);                                        // and a copy under another event id
        var marker = TestBooking.New(booking.PaymentMethodId);
        await events.PlacedAsync(marker);                                         // processed after all of them only if same partition: wait on both
        await Db.WaitForPaymentAsync(spec.ConnectionString, marker.BookingId);
        await Eventually.WaitAsync(async () => await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM inbox") == 3,
            TimeSpan.FromSeconds(30), "three distinct event ids applied");

        Assert.Equal("Captured", await Db.PaymentStatusAsync(spec.ConnectionString, booking.BookingId));
        Assert.Equal((1L, 1L, 1L), await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId));
        Assert.Equal(["PaymentCaptured"], (await Db.OutboxAsync(spec.ConnectionString, booking.BookingId)).Select(r => r.Type));
        Assert.Equal(1L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM payments WHERE booking_id = $1", booking.BookingId));
    }

    [Fact]
    public async Task A_consumer_stopped_after_the_gateway_charged_but_before_commit_does_not_charge_again_when_the_event_is_redelivered()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var charged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TestBooking booking;
        await using (var first = BillingApp.Start(infra, spec, output, services: s => s.AddSingleton<IPaymentGateway>(
            sp => new HangAfterChargeGateway(sp.GetRequiredService<SandboxGateway>(), charged))))
        {
            booking = TestBooking.New(await first.TokeniseAsync("4242424242424242"));
            using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
            await events.PlacedAsync(booking);
            await charged.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // The gateway has charged; billing has not committed. Stopping now abandons the transaction and the offset.
        }
        Assert.Null(await Db.PaymentStatusAsync(spec.ConnectionString, booking.BookingId));
        Assert.Equal(0L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM outbox"));
        Assert.Equal((1L, 1L, 1L), await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId));

        await using var second = BillingApp.Start(infra, spec, output); // the same service restarted: same group, same database
        Assert.Equal("Captured", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId));

        var (rows, succeeded, requests) = await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId);
        Assert.Equal(1L, rows);
        Assert.Equal(1L, succeeded);
        Assert.Equal(2L, requests); // asked twice, charged once: the second answer came from the stored idempotent result
        var chargeId = await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT charge_id FROM sandbox_gateway_charges");
        Assert.Equal(chargeId, await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT gateway_reference FROM payments WHERE booking_id = $1", booking.BookingId));
        Assert.Equal(["PaymentCaptured"], (await Db.OutboxAsync(spec.ConnectionString, booking.BookingId)).Select(r => r.Type));
    }

    [Fact]
    public async Task A_full_replay_from_the_earliest_offset_charges_nothing_again()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var bookings = new List<TestBooking>();
        await using (var app = BillingApp.Start(infra, spec, output))
        {
            using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
            var pm = await app.TokeniseAsync("4242424242424242");
            var declinedPm = await app.TokeniseAsync("4000000000000002");
            for (var i = 0; i < 4; i++) bookings.Add(TestBooking.New(i % 2 == 0 ? pm : declinedPm, email: $"guest{i}@example.com"));
            foreach (var b in bookings) await events.PlacedAsync(b);
            foreach (var b in bookings) await Db.WaitForPaymentAsync(spec.ConnectionString, b.BookingId);
        }
        var outboxBefore = await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM outbox");
        var requestsBefore = await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT sum(requests)::bigint FROM sandbox_gateway_charges");

        // Replay everything: a new consumer group starts from the earliest offset; the inbox is emptied too, so only
        // billing's own idempotency (one payment per booking) and the gateway's stand between a replay and a charge.
        await Db.ExecuteAsync(spec.ConnectionString, "DELETE FROM inbox");
        var replay = spec with { Group = spec.Group + "-replay" };
        await using (var app = BillingApp.Start(infra, replay, output))
        {
            await Eventually.WaitAsync(async () => await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM inbox") == bookings.Count,
                TimeSpan.FromSeconds(30), "every event replayed");
        }

        Assert.Equal(outboxBefore, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM outbox"));
        Assert.Equal(requestsBefore, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT sum(requests)::bigint FROM sandbox_gateway_charges"));
        Assert.Equal(2L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM sandbox_gateway_charges WHERE status = 'succeeded'"));
        foreach (var b in bookings)
            Assert.Equal(1L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM payments WHERE booking_id = $1", b.BookingId));
    }
}
