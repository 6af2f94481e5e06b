namespace Hotel.Billing.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>Each sandbox test card, end to end: BookingPlaced on Kafka → charge → outbox → relay → payment.events.</summary>
[Collection(BillingCollection.Name)]
public sealed class CardOutcomeTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task Each_test_card_ends_as_its_event_on_payment_events_with_the_right_fields()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        await using var relay = await RunningRelay.StartAsync(spec.ConnectionString, infra.BootstrapServers);

        var success = TestBooking.New(await app.TokeniseAsync("4242 4242 4242 4242"));
        var declined = TestBooking.New(await app.TokeniseAsync("4000000000000002"));
        var insufficient = TestBooking.New(await app.TokeniseAsync("4000-0000-0000-9995"));
        var transient = TestBooking.New(await app.TokeniseAsync("4000000000000119"));
        foreach (var b in new[] { success, declined, insufficient, transient }) await events.PlacedAsync(b);

        var ours = new HashSet<string> { success.BookingId.ToString(), declined.BookingId.ToString(), insufficient.BookingId.ToString(), transient.BookingId.ToString() };
        var messages = TopicReader.ReadUntil(infra.BootstrapServers, "payment.events",
            m => m.Count(x => ours.Contains(x.Key!)) >= 4, TimeSpan.FromSeconds(60)).Where(m => ours.Contains(m.Key!)).ToList();
        var byKey = messages.ToDictionary(m => Guid.Parse(m.Key!));
        Assert.Equal(4, byKey.Count);

        var captured = byKey[success.BookingId];
        Assert.Equal("PaymentCaptured", captured.Header("eventType"));
        Assert.NotNull(captured.Header("id"));
        var c = JsonDocument.Parse(captured.Value!).RootElement;
        Assert.Equal(success.BookingId, c.GetProperty("bookingId").GetGuid());
        Assert.Equal(success.Reference, c.GetProperty("bookingReference").GetString());
        Assert.Equal(361.50m, c.GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", c.GetProperty("currency").GetString());
        Assert.Equal("visa", c.GetProperty("brand").GetString());
        Assert.Equal("4242", c.GetProperty("last4").GetString());
        Assert.StartsWith("ch_", c.GetProperty("gatewayReference").GetString());
        Assert.NotEqual(Guid.Empty, c.GetProperty("paymentId").GetGuid());
        Assert.True(c.GetProperty("capturedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(1, c.GetProperty("version").GetInt32());
        Assert.True(c.TryGetProperty("occurredAt", out _));

        AssertFailed(byKey[declined.BookingId], declined, "card_declined");
        AssertFailed(byKey[insufficient.BookingId], insufficient, "insufficient_funds");

        // The transient card failed twice at the gateway, Polly retried with the same key, and it was charged once.
        var t = JsonDocument.Parse(byKey[transient.BookingId].Value!).RootElement;
        Assert.Equal("PaymentCaptured", byKey[transient.BookingId].Header("eventType"));
        Assert.Equal("0119", t.GetProperty("last4").GetString());
        var gateway = await Db.GatewayChargesAsync(spec.ConnectionString, transient.BookingId);
        Assert.Equal((1L, 1L, 3L), gateway);
        Assert.Equal(3, await Db.ScalarAsync<int>(spec.ConnectionString,
            "SELECT attempts FROM sandbox_gateway_charges WHERE idempotency_key = $1", $"booking-{transient.BookingId}-charge"));

        // The agent UI / receipt view.
        var views = await app.Caller.GetFromJsonAsync<JsonElement>($"/api/payments?bookingReference={success.Reference}");
        var view = Assert.Single(views.EnumerateArray());
        Assert.Equal("Captured", view.GetProperty("status").GetString());
        Assert.Equal("4242", view.GetProperty("last4").GetString());
        Assert.Equal(361.50m, view.GetProperty("amount").GetDecimal());
        var failedView = Assert.Single((await app.Caller.GetFromJsonAsync<JsonElement>($"/api/payments?bookingReference={declined.Reference}")).EnumerateArray());
        Assert.Equal("Failed", failedView.GetProperty("status").GetString());
        Assert.Equal("card_declined", failedView.GetProperty("failureCode").GetString());
        Assert.Empty((await app.Caller.GetFromJsonAsync<JsonElement>("/api/payments?bookingReference=NOPE-123")).EnumerateArray());
        using var missing = await app.Caller.GetAsync("/api/payments");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
    }

    private static void AssertFailed(ReadMessage message, TestBooking booking, string reasonCode)
    {
        Assert.Equal("PaymentFailed", message.Header("eventType"));
        var p = JsonDocument.Parse(message.Value!).RootElement;
        Assert.Equal(booking.BookingId, p.GetProperty("bookingId").GetGuid());
        Assert.Equal(booking.Reference, p.GetProperty("bookingReference").GetString());
        Assert.NotEqual(Guid.Empty, p.GetProperty("paymentId").GetGuid());
        Assert.Equal(reasonCode, p.GetProperty("reasonCode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("reason").GetString()));
    }
}
