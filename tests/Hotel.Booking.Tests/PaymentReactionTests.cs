namespace Hotel.Booking.Tests;

using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Eventing;
using Hotel.Testing;

/// <summary>Booking consumes billing's PaymentCaptured / PaymentFailed and cancels bookings left unpaid past the grace period.</summary>
[Collection(BookingCollection.Name)]
public sealed class PaymentReactionTests(InfraFixture infra)
{
    [Fact]
    public async Task Paid_bookings_stay_and_failed_held_or_unpaid_ones_are_cancelled_by_the_system_after_the_grace_period_releasing_their_nights()
    {
        var topic = infra.NewTopic("payment-events");
        await using var app = await BookingApp.StartAsync(infra, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = infra.BootstrapServers,
            ["Booking:PaymentEventsTopic"] = topic,
            ["Booking:ConsumerGroup"] = "booking-" + Guid.NewGuid().ToString("N")[..8],
            ["Booking:Payments:GracePeriod"] = "00:00:08",
            ["Booking:Payments:SweepInterval"] = "00:00:00.250",
        });
        var checkIn = BookingApp.Day(40);
        var checkOut = BookingApp.Day(42);
        var roomsBefore = await app.RoomsLeftAsync("ams-canal", "ams-canal-double", checkIn, checkOut);
        var paid = await app.PlaceAsync(BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut));
        var failed = await app.PlaceAsync(BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut));
        var silent = await app.PlaceAsync(BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut));
        var held = await app.PlaceAsync(BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut));
        Assert.Equal(roomsBefore - 4, await app.RoomsLeftAsync("ams-canal", "ams-canal-double", checkIn, checkOut));

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = infra.BootstrapServers, Partitioner = Partitioner.Murmur2Random })
            .SetLogHandler((_, _) => { }).Build();
        await ProduceAsync(producer, topic, paid, "PaymentCaptured", new
        {
            bookingId = Id(paid),
            bookingReference = Ref(paid),
            paymentId = Guid.NewGuid(),
            amount = 298m,
            currency = "EUR",
            brand = "visa",
            last4 = "4242",
            gatewayReference = "ch_1",
            capturedAt = DateTimeOffset.UtcNow,
            version = 1,
            occurredAt = DateTimeOffset.UtcNow,
        });
        var failedEvent = new
        {
            bookingId = Id(failed),
            bookingReference = Ref(failed),
            paymentId = Guid.NewGuid(),
            reasonCode = "card_declined",
            reason = "Your card was declined.",
            version = 1,
            occurredAt = DateTimeOffset.UtcNow,
        };
        var failedEventId = await ProduceAsync(producer, topic, failed, "PaymentFailed", failedEvent);
        await ProduceAsync(producer, topic, failed, "PaymentFailed", failedEvent, failedEventId); // redelivered
        await ProduceAsync(producer, topic, held, "PaymentHeld", new
        {
            bookingId = Id(held),
            bookingReference = Ref(held),
            paymentId = Guid.NewGuid(),
            rule = "card_velocity",
            reason = "More than 5 bookings on one card within 10 minutes.",
            version = 1,
            occurredAt = DateTimeOffset.UtcNow,
        });

        await Eventually.WaitAsync(async () => await StatusAsync(app, paid) == "Paid" && await StatusAsync(app, failed) == "PaymentFailed"
                && await app.ScalarAsync<long>("SELECT count(*) FROM inbox") == 3,
            TimeSpan.FromSeconds(7), "Paid, PaymentFailed and PaymentHeld applied before the grace period ends");
        Assert.Equal("Placed", await StatusAsync(app, silent));
        Assert.Equal("card_declined", await app.ScalarAsync<string>("SELECT payment_failure_code FROM bookings WHERE id = $1", Id(failed)));

        await Eventually.WaitAsync(async () => await StatusAsync(app, failed) == "Cancelled" && await StatusAsync(app, silent) == "Cancelled"
                && await StatusAsync(app, held) == "Cancelled",
            TimeSpan.FromSeconds(30), "the unpaid bookings cancelled");
        Assert.Equal("Paid", await StatusAsync(app, paid));
        Assert.Equal(roomsBefore - 1, await app.RoomsLeftAsync("ams-canal", "ams-canal-double", checkIn, checkOut));
        // The sweep's own BookingCancelled says the hotel cancelled, and why: billing refunds such a cancellation in full.
        foreach (var (booking, reasonCode) in new[] { (failed, "payment_failed"), (silent, "payment_not_received"), (held, "payment_held") })
        {
            var rows = await app.OutboxAsync(Id(booking).ToString());
            Assert.Equal(["BookingPlaced", "BookingCancelled"], rows.Select(r => r.Type));
            var cancelled = rows[1].Payload;
            Assert.False(string.IsNullOrWhiteSpace(cancelled.GetProperty("reason").GetString()));
            Assert.Equal("system", cancelled.GetProperty("cancelledBy").GetString());
            Assert.Equal(reasonCode, cancelled.GetProperty("reasonCode").GetString());
            Assert.Equal(2, cancelled.GetProperty("version").GetInt32());
        }
        Assert.Equal(["BookingPlaced"], (await app.OutboxAsync(Id(paid).ToString())).Select(r => r.Type));
        Assert.Equal(3L, await app.ScalarAsync<long>("SELECT count(*) FROM inbox"));
    }

    [Fact]
    public async Task A_booking_whose_payment_is_pending_is_kept_past_the_grace_period_until_billings_deadline_or_the_cap_whichever_comes_first()
    {
        var topic = infra.NewTopic("payment-events");
        await using var app = await BookingApp.StartAsync(infra, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = infra.BootstrapServers,
            ["Booking:PaymentEventsTopic"] = topic,
            ["Booking:ConsumerGroup"] = "booking-" + Guid.NewGuid().ToString("N")[..8],
            ["Booking:Payments:GracePeriod"] = "00:00:06",
            ["Booking:Payments:MaxPendingPeriod"] = "00:00:22",
            ["Booking:Payments:SweepInterval"] = "00:00:00.250",
        });
        var checkIn = BookingApp.Day(44);
        var checkOut = BookingApp.Day(45);
        var silent = await app.PlaceAsync(BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut));
        var pending = await app.PlaceAsync(BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut));
        var pendingLong = await app.PlaceAsync(BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut));

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = infra.BootstrapServers, Partitioner = Partitioner.Murmur2Random })
            .SetLogHandler((_, _) => { }).Build();
        foreach (var (booking, until) in new[] { (pending, DateTimeOffset.UtcNow.AddSeconds(14)), (pendingLong, DateTimeOffset.UtcNow.AddDays(1)) })
            await ProduceAsync(producer, topic, booking, "PaymentPending", new
            {
                bookingId = Id(booking),
                bookingReference = Ref(booking),
                paymentId = Guid.NewGuid(),
                reasonCode = "gateway_unavailable",
                reason = "The card processor could not be reached; the charge is tried again.",
                retryUntil = until,
                version = 1,
                occurredAt = DateTimeOffset.UtcNow,
            });
        await Eventually.WaitAsync(async () => await app.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE payment_pending_until IS NOT NULL") == 2,
            TimeSpan.FromSeconds(5), "PaymentPending applied before the grace period ends");

        await Eventually.WaitAsync(async () => await StatusAsync(app, silent) == "Cancelled", TimeSpan.FromSeconds(30), "the unpaid booking cancelled");
        Assert.Equal("Placed", await StatusAsync(app, pending));
        Assert.Equal("Placed", await StatusAsync(app, pendingLong));

        // Billing's deadline passed without an outcome: cancelled like any unpaid booking (billing voids the charge on it).
        await Eventually.WaitAsync(async () => await StatusAsync(app, pending) == "Cancelled", TimeSpan.FromSeconds(30), "the pending booking cancelled after its deadline");
        Assert.Equal("Placed", await StatusAsync(app, pendingLong));
        // A deadline beyond booking's cap does not hold the nights longer than the cap.
        await Eventually.WaitAsync(async () => await StatusAsync(app, pendingLong) == "Cancelled", TimeSpan.FromSeconds(30), "the pending booking cancelled at the cap");
        Assert.Equal(["BookingPlaced", "BookingCancelled"], (await app.OutboxAsync(Id(pendingLong).ToString())).Select(r => r.Type));
    }

    private static Guid Id(JsonElement booking) => booking.GetProperty("id").GetGuid();
    private static string Ref(JsonElement booking) => booking.GetProperty("reference").GetString()!;

    private static Task<string> StatusAsync(BookingApp app, JsonElement booking) =>
        app.ScalarAsync<string>("SELECT status FROM bookings WHERE id = $1", Id(booking));

    private static async Task<Guid> ProduceAsync(IProducer<string, string> producer, string topic, JsonElement booking, string type, object payload, Guid? id = null)
    {
        var eventId = id ?? Guid.CreateVersion7();
        await producer.ProduceAsync(topic, new Message<string, string>
        {
            Key = Id(booking).ToString(),
            Value = JsonSerializer.Serialize(payload, EventJson.Options),
            Headers = new Headers { { EventHeaders.Id, Encoding.UTF8.GetBytes(eventId.ToString()) }, { EventHeaders.EventType, Encoding.UTF8.GetBytes(type) } },
        });
        return eventId;
    }
}
