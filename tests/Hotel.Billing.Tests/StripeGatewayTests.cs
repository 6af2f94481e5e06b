namespace Hotel.Billing.Tests;

using Hotel.Billing.Gateways;
using Hotel.Testing;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

/// <summary>The Stripe adapter against WireMock standing in for Stripe's HTTP API.</summary>
[Collection(BillingCollection.Name)]
public sealed class StripeGatewayTests(InfraFixture infra, ITestOutputHelper output) : IDisposable
{
    private readonly WireMockServer _stripe = WireMockServer.Start();

    private const string Succeeded = """
        {"id":"pi_3Test","object":"payment_intent","amount":36150,"currency":"eur","status":"succeeded","latest_charge":"ch_3Test"}
        """;
    private const string CardDeclined = """
        {"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined.","payment_intent":{"id":"pi_3Fail","object":"payment_intent","status":"requires_payment_method"}}}
        """;
    private const string InsufficientFunds = """
        {"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}
        """;

    private StripeGateway Gateway() => new(Options.Create(new PaymentsOptions
    {
        Stripe = new StripeOptions { ApiKey = "sk_test_hotel", ApiBase = _stripe.Url },
    }), new HttpClient());

    private void Stub(string path, int status, string body) => _stripe
        .Given(Request.Create().WithPath(path).UsingPost())
        .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    [Fact]
    public async Task A_charge_is_a_confirmed_PaymentIntent_carrying_the_idempotency_key_and_the_amount_in_minor_units()
    {
        Stub("/v1/payment_intents", 200, Succeeded);
        var bookingId = Guid.CreateVersion7();

        var result = await Gateway().ChargeAsync(
            new ChargeRequest(IdempotencyKeys.Charge(bookingId), "pm_card_visa", 361.50m, "EUR", "Booking HTL-1"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("pi_3Test", result.GatewayReference);
        var request = Assert.Single(_stripe.LogEntries).RequestMessage!;
        Assert.Equal($"booking-{bookingId}-charge", Assert.Single(request.Headers!["Idempotency-Key"]));
        Assert.Equal("Bearer sk_test_hotel", Assert.Single(request.Headers!["Authorization"]));
        var form = System.Web.HttpUtility.ParseQueryString(request.Body!);
        Assert.Equal("36150", form["amount"]);
        Assert.Equal("eur", form["currency"]);
        Assert.Equal("pm_card_visa", form["payment_method"]);
        Assert.Equal("true", form["confirm"]);
    }

    [Theory]
    [InlineData(CardDeclined, "card_declined")]
    [InlineData(InsufficientFunds, "insufficient_funds")]
    public async Task A_402_card_error_is_a_final_failure_with_its_reason(string body, string code)
    {
        Stub("/v1/payment_intents", 402, body);
        var result = await Gateway().ChargeAsync(
            new ChargeRequest(IdempotencyKeys.Charge(Guid.CreateVersion7()), "pm_card_visa", 10m, "EUR", "x"), CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.Equal(code, result.FailureCode);
        Assert.False(string.IsNullOrWhiteSpace(result.FailureMessage));
    }

    [Fact]
    public async Task A_5xx_is_transient()
    {
        Stub("/v1/payment_intents", 503, """{"error":{"type":"api_error","message":"Try again."}}""");
        await Assert.ThrowsAsync<TransientGatewayException>(() => Gateway().ChargeAsync(
            new ChargeRequest(IdempotencyKeys.Charge(Guid.CreateVersion7()), "pm_card_visa", 10m, "EUR", "x"), CancellationToken.None));
    }

    [Fact]
    public async Task Billing_with_the_Stripe_gateway_publishes_PaymentFailed_on_a_402_and_refunds_a_capture_with_its_own_key()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var settings = new Dictionary<string, string?>
        {
            ["Payments:Gateway"] = "Stripe",
            ["Payments:Stripe:ApiKey"] = "sk_test_hotel",
            ["Payments:Stripe:ApiBase"] = _stripe.Url,
        };
        await using var app = BillingApp.Start(infra, spec, output, settings);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);

        // A Stripe.js payment method id: billing never saw the card.
        var declined = TestBooking.New("pm_card_chargeDeclined");
        Stub("/v1/payment_intents", 402, CardDeclined);
        await events.PlacedAsync(declined);
        Assert.Equal("Failed", await Db.WaitForPaymentAsync(spec.ConnectionString, declined.BookingId));
        var failed = Assert.Single(await Db.OutboxAsync(spec.ConnectionString, declined.BookingId));
        Assert.Equal("PaymentFailed", failed.Type);
        Assert.Equal("card_declined", failed.Payload.GetProperty("reasonCode").GetString());
        Assert.Equal("Your card was declined.", failed.Payload.GetProperty("reason").GetString());

        // A transient 503 first, then success: Polly retries under the same key.
        _stripe.Reset();
        _stripe.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"type":"api_error","message":"Try again."}}"""));
        _stripe.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Succeeded));
        Stub("/v1/refunds", 200, """{"id":"re_3Test","object":"refund","amount":36150,"currency":"eur","status":"succeeded","payment_intent":"pi_3Test"}""");
        var paid = TestBooking.New("pm_card_visa");
        await events.PlacedAsync(paid);
        Assert.Equal("Captured", await Db.WaitForPaymentAsync(spec.ConnectionString, paid.BookingId));
        var charges = _stripe.LogEntries.Where(e => e.RequestMessage!.Path == "/v1/payment_intents" && e.RequestMessage.Method == "POST").ToList();
        Assert.Equal(2, charges.Count);
        Assert.All(charges, e => Assert.Equal($"booking-{paid.BookingId}-charge", Assert.Single(e.RequestMessage!.Headers!["Idempotency-Key"])));
        var captured = Assert.Single(await Db.OutboxAsync(spec.ConnectionString, paid.BookingId)).Payload;
        Assert.Equal("pi_3Test", captured.GetProperty("gatewayReference").GetString());
        Assert.Equal(361.50m, captured.GetProperty("amount").GetDecimal());

        await events.CancelledAsync(paid, DateTimeOffset.UtcNow); // 30 days ahead: full refund
        Assert.Equal("Refunded", await Db.WaitForPaymentAsync(spec.ConnectionString, paid.BookingId, s => s != "Captured"));
        var refund = Assert.Single(_stripe.LogEntries, e => e.RequestMessage!.Path == "/v1/refunds").RequestMessage!;
        Assert.Equal($"booking-{paid.BookingId}-refund", Assert.Single(refund.Headers!["Idempotency-Key"]));
        var form = System.Web.HttpUtility.ParseQueryString(refund.Body!);
        Assert.Equal("36150", form["amount"]);
        Assert.Equal("pi_3Test", form["payment_intent"]);
    }

    [Fact]
    public async Task A_requires_capture_PaymentIntent_is_captured_with_its_own_key_and_counts_only_once_the_capture_succeeded()
    {
        Stub("/v1/payment_intents", 200, """
            {"id":"pi_3Auth","object":"payment_intent","amount":1000,"currency":"eur","status":"requires_capture"}
            """);
        Stub("/v1/payment_intents/pi_3Auth/capture", 200, """
            {"id":"pi_3Auth","object":"payment_intent","amount":1000,"currency":"eur","status":"succeeded","latest_charge":"ch_3Auth"}
            """);

        var result = await Gateway().ChargeAsync(
            new ChargeRequest(IdempotencyKeys.Charge(Guid.CreateVersion7()), "pm_card_visa", 10m, "EUR", "x"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("pi_3Auth", result.GatewayReference);
        var capture = Assert.Single(_stripe.LogEntries, e => e.RequestMessage!.Path == "/v1/payment_intents/pi_3Auth/capture").RequestMessage!;
        Assert.Equal("pi_3Auth-capture", Assert.Single(capture.Headers!["Idempotency-Key"]));
    }

    [Fact]
    public async Task A_requires_capture_PaymentIntent_whose_capture_fails_transiently_is_not_counted_as_captured()
    {
        Stub("/v1/payment_intents", 200, """
            {"id":"pi_3Auth","object":"payment_intent","amount":1000,"currency":"eur","status":"requires_capture"}
            """);
        Stub("/v1/payment_intents/pi_3Auth/capture", 503, """{"error":{"type":"api_error","message":"Try again."}}""");

        await Assert.ThrowsAsync<TransientGatewayException>(() => Gateway().ChargeAsync(
            new ChargeRequest(IdempotencyKeys.Charge(Guid.CreateVersion7()), "pm_card_visa", 10m, "EUR", "x"), CancellationToken.None));
    }

    [Fact]
    public async Task A_processing_PaymentIntent_stays_pending_and_is_asked_for_again_until_it_succeeded_then_captured_once()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var settings = new Dictionary<string, string?>
        {
            ["Payments:Gateway"] = "Stripe",
            ["Payments:Stripe:ApiKey"] = "sk_test_hotel",
            ["Payments:Stripe:ApiBase"] = _stripe.Url,
            ["Payments:PendingRetryDelay"] = "00:00:00.050",
            ["Payments:PendingRetryMaxDelay"] = "00:00:00.200",
        };
        Stub("/v1/payment_intents", 200, """
            {"id":"pi_3Proc","object":"payment_intent","amount":36150,"currency":"eur","status":"processing"}
            """);
        const string path = "/v1/payment_intents/pi_3Proc";
        _stripe.Given(Request.Create().WithPath(path).UsingGet()).InScenario("processing").WillSetStateTo("still processing")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"pi_3Proc","object":"payment_intent","amount":36150,"currency":"eur","status":"processing"}"""));
        _stripe.Given(Request.Create().WithPath(path).UsingGet()).InScenario("processing").WhenStateIs("still processing")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"pi_3Proc","object":"payment_intent","amount":36150,"currency":"eur","status":"succeeded"}"""));
        await using var app = BillingApp.Start(infra, spec, output, settings);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New("pm_card_visa");

        await events.PlacedAsync(booking);

        Assert.Equal("Captured", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s == "Captured"));
        var outbox = await Db.OutboxAsync(spec.ConnectionString, booking.BookingId);
        Assert.Equal(["PaymentPending", "PaymentCaptured"], outbox.Select(r => r.Type));
        Assert.Equal("processing", outbox[0].Payload.GetProperty("reasonCode").GetString());
        Assert.Equal("pi_3Proc", outbox[1].Payload.GetProperty("gatewayReference").GetString());
        var creates = _stripe.LogEntries.Where(e => e.RequestMessage!.Path == "/v1/payment_intents" && e.RequestMessage.Method == "POST").ToList();
        Assert.Single(creates); // created once, then only read
        Assert.Equal(2, _stripe.LogEntries.Count(e => e.RequestMessage!.Path == path && e.RequestMessage.Method == "GET"));
        var metadata = System.Web.HttpUtility.ParseQueryString(creates[0].RequestMessage!.Body!);
        Assert.Equal(booking.BookingId.ToString(), metadata["metadata[hotel_booking_id]"]);
    }

    [Fact]
    public async Task Cancelling_a_booking_whose_PaymentIntent_is_processing_cancels_the_intent_and_refunds_nothing()
    {
        var spec = await BillingSpec.NewAsync(infra);
        var settings = new Dictionary<string, string?>
        {
            ["Payments:Gateway"] = "Stripe",
            ["Payments:Stripe:ApiKey"] = "sk_test_hotel",
            ["Payments:Stripe:ApiBase"] = _stripe.Url,
            ["Payments:PendingRetryDelay"] = "00:00:00.050",
            ["Payments:PendingRetryMaxDelay"] = "00:00:00.200",
        };
        const string processing = """{"id":"pi_3Proc","object":"payment_intent","amount":36150,"currency":"eur","status":"processing"}""";
        Stub("/v1/payment_intents", 200, processing);
        _stripe.Given(Request.Create().WithPath("/v1/payment_intents/pi_3Proc").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(processing));
        Stub("/v1/payment_intents/pi_3Proc/cancel", 200, """
            {"id":"pi_3Proc","object":"payment_intent","amount":36150,"currency":"eur","status":"canceled"}
            """);
        await using var app = BillingApp.Start(infra, spec, output, settings);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New("pm_card_visa");

        await events.PlacedAsync(booking);
        await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s == "Pending");
        await events.CancelledAsync(booking, DateTimeOffset.UtcNow, cancelledBy: "guest");

        Assert.Equal("Cancelled", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s != "Pending"));
        var cancel = Assert.Single(_stripe.LogEntries, e => e.RequestMessage!.Path == "/v1/payment_intents/pi_3Proc/cancel").RequestMessage!;
        Assert.Equal($"booking-{booking.BookingId}-charge-void", Assert.Single(cancel.Headers!["Idempotency-Key"]));
        Assert.DoesNotContain(_stripe.LogEntries, e => e.RequestMessage!.Path == "/v1/refunds");
        Assert.Equal(["PaymentPending"], (await Db.OutboxAsync(spec.ConnectionString, booking.BookingId)).Select(r => r.Type));
    }

    [Fact]
    public async Task The_reconciler_lists_PaymentIntents_created_since_a_time_and_reads_billings_metadata()
    {
        var bookingId = Guid.CreateVersion7();
        _stripe.Given(Request.Create().WithPath("/v1/payment_intents").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$$"""
                {"object":"list","has_more":false,"url":"/v1/payment_intents","data":[
                  {"id":"pi_3Ours","object":"payment_intent","amount":36150,"currency":"eur","status":"succeeded","created":1764590000,"payment_method":"pm_card_visa",
                   "metadata":{"hotel_booking_id":"{{{bookingId}}}","hotel_booking_reference":"HTL-ABC123","hotel_guest_email":"ada@example.com",
                     "hotel_check_in":"2031-06-10","hotel_nights":"3","hotel_nightly_rate":"120.50","hotel_placed_at":"2026-12-01T10:00:00.0000000+00:00"}},
                  {"id":"pi_3Theirs","object":"payment_intent","amount":500,"currency":"eur","status":"succeeded","created":1764590001,"metadata":{}},
                  {"id":"pi_3Failed","object":"payment_intent","amount":500,"currency":"eur","status":"requires_payment_method","created":1764590002,"metadata":{}}
                ]}
                """));
        var since = DateTimeOffset.FromUnixTimeSeconds(1764500000);

        var charges = new List<GatewayCharge>();
        await foreach (var c in Gateway().ListChargesAsync(since, CancellationToken.None)) charges.Add(c);

        Assert.Equal(["pi_3Ours", "pi_3Theirs"], charges.Select(c => c.Reference));
        var ours = charges[0];
        Assert.Equal(361.50m, ours.Amount);
        Assert.Equal("EUR", ours.Currency);
        Assert.Equal(new ChargeMetadata(bookingId, "HTL-ABC123", "ada@example.com", new DateOnly(2031, 6, 10), 3, 120.50m,
            new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero)), ours.Metadata);
        Assert.Null(charges[1].Metadata);
        var list = Assert.Single(_stripe.LogEntries).RequestMessage!;
        Assert.Equal("1764500000", list.Query!["created[gte]"].Single());
    }

    public void Dispose()
    {
        _stripe.Stop();
        _stripe.Dispose();
    }
}
