namespace Hotel.Notifications.Tests;

using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Eventing;

/// <summary>
/// Produces events onto the test broker exactly as the Outbox Event Router would: key = booking id, value =
/// camelCase payload with version and occurredAt, headers <c>id</c> and <c>eventType</c>. Billing's events
/// are produced this way (billing is not part of these tests), and booking's where a test needs control.
/// </summary>
public sealed class WireEvents(string bootstrapServers) : IDisposable
{
    private readonly IProducer<string, string> _producer = new ProducerBuilder<string, string>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        Partitioner = Partitioner.Murmur2Random, // as the relay and Kafka Connect partition
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 1,
    }).SetLogHandler((_, _) => { }).Build();

    public sealed record Sent(Guid Id, string Topic, string Key, string EventType, string Value);

    public async Task<Sent> ProduceAsync(string topic, Guid bookingId, string eventType, object payload, Guid? id = null)
    {
        var json = JsonSerializer.SerializeToNode(payload, EventJson.Options)!.AsObject();
        json["version"] = 1;
        json["occurredAt"] = DateTimeOffset.UtcNow;
        var sent = new Sent(id ?? Guid.CreateVersion7(), topic, bookingId.ToString(), eventType, json.ToJsonString());
        await ResendAsync(sent);
        return sent;
    }

    /// <summary>The same message again: same key, value and event id (a redelivery).</summary>
    public Task ResendAsync(Sent sent) => _producer.ProduceAsync(sent.Topic, new Message<string, string>
    {
        Key = sent.Key,
        Value = sent.Value,
        Headers = new Headers
        {
            { EventHeaders.Id, Encoding.UTF8.GetBytes(sent.Id.ToString()) },
            { EventHeaders.EventType, Encoding.UTF8.GetBytes(sent.EventType) },
        },
    });

    public Task<Sent> PaymentCapturedAsync(Guid bookingId, string reference, decimal amount = 447m) =>
        ProduceAsync("payment.events", bookingId, "PaymentCaptured", new
        {
            bookingId,
            bookingReference = reference,
            paymentId = Guid.NewGuid(),
            amount,
            currency = "EUR",
            brand = "Visa",
            last4 = "4242",
            gatewayReference = "ch_sandbox_" + Guid.NewGuid().ToString("N")[..10],
            capturedAt = DateTimeOffset.UtcNow,
        });

    public Task<Sent> PaymentFailedAsync(Guid bookingId, string reference) =>
        ProduceAsync("payment.events", bookingId, "PaymentFailed", new
        {
            bookingId,
            bookingReference = reference,
            paymentId = Guid.NewGuid(),
            reasonCode = "card_declined",
            reason = "Your card was declined.",
        });

    public Task<Sent> PaymentHeldAsync(Guid bookingId, string reference) =>
        ProduceAsync("payment.events", bookingId, "PaymentHeld", new
        {
            bookingId,
            bookingReference = reference,
            paymentId = Guid.NewGuid(),
            rule = "high_amount_review",
            reason = "The amount is under review.",
        });

    public Task<Sent> RefundIssuedAsync(Guid bookingId, string reference, decimal amount) =>
        ProduceAsync("payment.events", bookingId, "RefundIssued", new
        {
            bookingId,
            bookingReference = reference,
            paymentId = Guid.NewGuid(),
            refundId = Guid.NewGuid(),
            amount,
            currency = "EUR",
            gatewayReference = "re_sandbox_" + Guid.NewGuid().ToString("N")[..10],
            refundedAt = DateTimeOffset.UtcNow,
        });

    /// <summary>A BookingPlaced as booking publishes it, for tests that need many bookings or exact timing.</summary>
    public Task<Sent> BookingPlacedAsync(Guid bookingId, string reference, string guestName, string guestEmail) =>
        ProduceAsync("booking.events", bookingId, "BookingPlaced", new
        {
            bookingId,
            reference,
            guestName,
            guestEmail,
            hotelId = "ams-canal",
            hotelName = "Canal House Amsterdam",
            roomTypeId = "ams-canal-double",
            roomTypeName = "Classic Double",
            checkIn = new DateOnly(2027, 3, 1),
            checkOut = new DateOnly(2027, 3, 4),
            nights = 3,
            nightlyRate = 149m,
            totalAmount = 447m,
            currency = "EUR",
            paymentMethodId = "pm_test_4242",
        });

    /// <summary>A BookingCancelled (version 2) as booking publishes it: who cancelled, and the system's reason code.</summary>
    public Task<Sent> BookingCancelledAsync(Guid bookingId, string reference, string guestName, string guestEmail, string cancelledBy, string? reasonCode) =>
        ProduceAsync("booking.events", bookingId, "BookingCancelled", new
        {
            bookingId,
            reference,
            guestName,
            guestEmail,
            hotelId = "ams-canal",
            hotelName = "Canal House Amsterdam",
            roomTypeId = "ams-canal-double",
            roomTypeName = "Classic Double",
            checkIn = new DateOnly(2027, 3, 1),
            checkOut = new DateOnly(2027, 3, 4),
            nights = 3,
            totalAmount = 447m,
            currency = "EUR",
            paymentMethodId = "pm_test_4242",
            cancelledAt = DateTimeOffset.UtcNow,
            reason = "Released by the hotel.",
            cancelledBy,
            reasonCode,
            version = 2,
        });

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
