namespace Hotel.Billing.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Billing.Payments;
using Hotel.Testing;
using Xunit.Abstractions;

[Collection(BillingCollection.Name)]
public sealed class RefundTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly TimeOnly CheckInTime = new(15, 0);
    private static readonly DateOnly CheckIn = new(2031, 6, 10);
    private static readonly DateTimeOffset CheckInMoment = new(2031, 6, 10, 15, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, DateTimeOffset, decimal> Boundaries => new()
    {
        { "a week ahead", CheckInMoment.AddDays(-7), 300m },
        { "exactly 48 h before check-in", CheckInMoment.AddHours(-48), 300m },
        { "one second inside 48 h", CheckInMoment.AddHours(-48).AddSeconds(1), 200m },
        { "an hour before check-in", CheckInMoment.AddHours(-1), 200m },
        { "after check-in", CheckInMoment.AddHours(5), 200m },
        { "48 h before in another offset", new DateTimeOffset(2031, 6, 8, 17, 0, 0, TimeSpan.FromHours(2)), 300m },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Refund_policy_is_full_up_to_48_hours_before_check_in_and_keeps_the_first_night_after(string when, DateTimeOffset cancelledAt, decimal expected)
    {
        Assert.True(expected == RefundPolicy.RefundDue(300m, 100m, CheckIn, cancelledAt, CheckInTime, TimeSpan.FromHours(48)), when);
    }

    [Fact]
    public void A_single_night_cancelled_late_refunds_nothing()
    {
        Assert.Equal(0m, RefundPolicy.RefundDue(100m, 100m, CheckIn, CheckInMoment.AddHours(-47), CheckInTime, TimeSpan.FromHours(48)));
    }

    [Fact]
    public async Task Cancellations_either_side_of_the_boundary_refund_once_through_the_gateway_and_publish_RefundIssued()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var pm = await app.TokeniseAsync("4242424242424242");
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20);
        var moment = RefundPolicy.CheckInMoment(checkIn, CheckInTime);
        var early = TestBooking.New(pm, checkIn: checkIn, nights: 3, nightlyRate: 100m);
        var late = TestBooking.New(pm, checkIn: checkIn, nights: 3, nightlyRate: 100m);
        await events.PlacedAsync(early);
        await events.PlacedAsync(late);
        await Db.WaitForPaymentAsync(spec.ConnectionString, early.BookingId);
        await Db.WaitForPaymentAsync(spec.ConnectionString, late.BookingId);

        await events.CancelledAsync(early, moment.AddHours(-48));
        await events.CancelledAsync(late, moment.AddHours(-48).AddMinutes(1));
        await events.CancelledAsync(late, moment.AddHours(-48).AddMinutes(1)); // redelivered under a new event id

        Assert.Equal("Refunded", await Db.WaitForPaymentAsync(spec.ConnectionString, early.BookingId, s => s != "Captured"));
        Assert.Equal("PartiallyRefunded", await Db.WaitForPaymentAsync(spec.ConnectionString, late.BookingId, s => s != "Captured"));
        await Eventually.WaitAsync(async () => await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM inbox") == 5,
            TimeSpan.FromSeconds(30), "all five events applied");

        var earlyRefund = (await Db.OutboxAsync(spec.ConnectionString, early.BookingId)).Single(r => r.Type == "RefundIssued").Payload;
        Assert.Equal(300m, earlyRefund.GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", earlyRefund.GetProperty("currency").GetString());
        Assert.Equal(early.Reference, earlyRefund.GetProperty("bookingReference").GetString());
        Assert.StartsWith("re_", earlyRefund.GetProperty("gatewayReference").GetString());
        Assert.NotEqual(Guid.Empty, earlyRefund.GetProperty("refundId").GetGuid());
        Assert.True(earlyRefund.TryGetProperty("refundedAt", out _));

        var lateRows = await Db.OutboxAsync(spec.ConnectionString, late.BookingId);
        Assert.Equal(["PaymentCaptured", "RefundIssued"], lateRows.Select(r => r.Type));
        Assert.Equal(200m, lateRows[1].Payload.GetProperty("amount").GetDecimal());
        Assert.Equal(1L, await Db.ScalarAsync<long>(spec.ConnectionString,
            "SELECT count(*) FROM sandbox_gateway_refunds WHERE idempotency_key = $1", $"booking-{late.BookingId}-refund"));
        Assert.Equal(200m, await Db.ScalarAsync<decimal>(spec.ConnectionString,
            "SELECT amount FROM sandbox_gateway_refunds WHERE idempotency_key = $1", $"booking-{late.BookingId}-refund"));

        var view = Assert.Single((await app.Caller.GetFromJsonAsync<JsonElement>($"/api/payments?bookingReference={late.Reference}")).EnumerateArray());
        Assert.Equal("PartiallyRefunded", view.GetProperty("status").GetString());
        Assert.Equal(200m, view.GetProperty("refundedAmount").GetDecimal());
        Assert.Equal(200m, Assert.Single(view.GetProperty("refunds").EnumerateArray()).GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_cancellation_that_arrives_before_its_BookingPlaced_ends_with_no_charge()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New(await app.TokeniseAsync("4242424242424242"));

        await events.CancelledAsync(booking, DateTimeOffset.UtcNow);
        await Eventually.WaitAsync(async () => await Db.ScalarAsync<long>(spec.ConnectionString,
            "SELECT count(*) FROM booking_cancellations WHERE booking_id = $1", booking.BookingId) == 1, TimeSpan.FromSeconds(30), "the cancellation recorded");
        await events.PlacedAsync(booking);

        Assert.Equal("Cancelled", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId));
        Assert.Equal((0L, 0L, 0L), await Db.GatewayChargesAsync(spec.ConnectionString, booking.BookingId));
        Assert.Empty(await Db.OutboxAsync(spec.ConnectionString, booking.BookingId));
    }

    [Fact]
    public async Task Cancelling_a_held_or_failed_payment_moves_no_money()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New(await app.TokeniseAsync("4000000000000002"));
        await events.PlacedAsync(booking);
        Assert.Equal("Failed", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId));
        await events.CancelledAsync(booking, DateTimeOffset.UtcNow);
        Assert.Equal("Cancelled", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s != "Failed"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM sandbox_gateway_refunds"));
        Assert.Equal(["PaymentFailed"], (await Db.OutboxAsync(spec.ConnectionString, booking.BookingId)).Select(r => r.Type));
    }
}
