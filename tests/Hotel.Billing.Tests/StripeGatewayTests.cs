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
        var charges = _stripe.LogEntries.Where(e => e.RequestMessage!.Path == "/v1/payment_intents").ToList();
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

    public void Dispose()
    {
        _stripe.Stop();
        _stripe.Dispose();
    }
}
