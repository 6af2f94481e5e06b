namespace Hotel.Booking.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Cdc;
using Hotel.Eventing.Kafka;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>From the booking API through the WAL and the relay to <c>booking.events</c>, on the embedded broker.</summary>
[Collection(BookingCollection.Name)]
public sealed class BookingEventsOnKafkaTests(InfraFixture infra, ITestOutputHelper output) : IAsyncLifetime
{
    private BookingApp _app = null!;
    private OutboxRelayService _relay = null!;

    public async Task InitializeAsync()
    {
        _app = await BookingApp.StartAsync(infra);
        _relay = new OutboxRelayService([_app.ConnectionString], new KafkaOptions { BootstrapServers = infra.BootstrapServers },
            new OutboxRelayOptions(), TestOutputLoggerProvider.Factory(output));
        await _relay.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _relay.StopAsync(CancellationToken.None);
        _relay.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_placed_and_a_cancelled_booking_appear_on_booking_events_with_key_value_and_headers_of_the_outbox_router()
    {
        var booking = await _app.PlaceAsync(BookingApp.NewBooking("lis-alfama", "lis-alfama-double", BookingApp.Day(40), BookingApp.Day(42), "kafka@example.com"));
        var id = booking.GetProperty("id").GetGuid().ToString();
        var reference = booking.GetProperty("reference").GetString()!;
        using (var cancel = await _app.Client.PostAsJsonAsync($"/api/bookings/{reference}/cancel", new { email = "kafka@example.com", reason = "plans changed" }))
            cancel.EnsureSuccessStatusCode();
        var outbox = await _app.OutboxAsync(id);

        var messages = TopicReader.ReadUntil(infra.BootstrapServers, "booking.events", m => m.Count(x => x.Key == id) >= 2, TimeSpan.FromSeconds(60))
            .Where(m => m.Key == id).ToList();

        Assert.Equal(2, messages.Count);
        Assert.Single(messages.Select(m => m.Partition).Distinct()); // one key, one partition: per-booking order
        Assert.Equal(["BookingPlaced", "BookingCancelled"], messages.Select(m => m.Header("eventType")));
        Assert.Equal(outbox.Select(o => o.Id.ToString()), messages.Select(m => m.Header("id")));
        foreach (var message in messages)
        {
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", message.Header("traceparent")); // the API request's trace crosses the CDC hop
            Assert.Equal(["eventType", "id", "traceparent"], message.Headers.Keys.Order());
        }

        var placed = JsonDocument.Parse(messages[0].Value!).RootElement;
        Assert.Equal(JsonValueKind.Object, placed.ValueKind); // expanded JSON, not a string holding JSON
        Assert.Equal(id, placed.GetProperty("bookingId").GetString());
        Assert.Equal(reference, placed.GetProperty("reference").GetString());
        Assert.Equal("kafka@example.com", placed.GetProperty("guestEmail").GetString());
        Assert.Equal(2, placed.GetProperty("nights").GetInt32());
        Assert.Equal(1, placed.GetProperty("version").GetInt32());
        Assert.Equal(JsonSerializer.Serialize(outbox[0].Payload), JsonSerializer.Serialize(placed));
        Assert.Equal("plans changed", JsonDocument.Parse(messages[1].Value!).RootElement.GetProperty("reason").GetString());
    }
}
