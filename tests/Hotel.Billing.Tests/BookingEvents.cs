namespace Hotel.Billing.Tests;

using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Eventing;
using Hotel.Testing;

/// <summary>
/// A booking as the booking service's BookingPlaced describes it. <see cref="New"/> takes a payment method (a token or
/// its pm_ id) and books with a token for the booking's own guest, as booking would only accept; <see cref="WithToken"/>
/// puts any token on it instead.
/// </summary>
public sealed record TestBooking(Guid BookingId, string Reference, string GuestEmail, DateOnly CheckIn, int Nights, decimal NightlyRate,
    string Currency, string PaymentMethodId, DateTimeOffset PlacedAt)
{
    public decimal TotalAmount => NightlyRate * Nights;
    public DateOnly CheckOut => CheckIn.AddDays(Nights);

    public static TestBooking New(string paymentMethodId, DateTimeOffset? placedAt = null, string email = "ada@example.com",
        DateOnly? checkIn = null, int nights = 3, decimal nightlyRate = 120.50m) =>
        new(Guid.CreateVersion7(), "HTL-" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant(), email,
            checkIn ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30), nights, nightlyRate, "EUR",
            TestPaymentTokens.For(email, paymentMethodId.Split('.')[0], (placedAt ?? DateTimeOffset.UtcNow).AddHours(1)),
            placedAt ?? DateTimeOffset.UtcNow);

    public TestBooking WithToken(string token) => this with { PaymentMethodId = token };
}

/// <summary>
/// Produces booking events exactly as the relay does for the booking service's outbox: key = booking id,
/// value = the camelCase payload (with fields billing does not read), headers id and eventType.
/// </summary>
public sealed class BookingEvents(string bootstrapServers, string topic) : IDisposable
{
    private readonly IProducer<string, string> _producer = new ProducerBuilder<string, string>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        Partitioner = Partitioner.Murmur2Random, // as the relay and Kafka Connect partition
        EnableIdempotence = true,
        Acks = Acks.All,
    }).SetLogHandler((_, _) => { }).Build();

    public string Topic => topic;

    public Task<Guid> PlacedAsync(TestBooking b, Guid? eventId = null) => ProduceAsync(b.BookingId, "BookingPlaced", new
    {
        bookingId = b.BookingId,
        reference = b.Reference,
        guestName = "Ada Lovelace",
        guestEmail = b.GuestEmail,
        hotelId = "grand-lisbon",
        hotelName = "Grand Lisbon",
        roomTypeId = "grand-lisbon-double",
        roomTypeName = "Double",
        checkIn = b.CheckIn,
        checkOut = b.CheckOut,
        nights = b.Nights,
        nightlyRate = b.NightlyRate,
        totalAmount = b.TotalAmount,
        currency = b.Currency,
        paymentMethodId = b.PaymentMethodId,
        occurredAt = b.PlacedAt,
        version = 1,
    }, eventId);

    /// <param name="cancelledBy">guest, agent or system (BookingCancelled version 2); null: a version 1 event without it.</param>
    public Task<Guid> CancelledAsync(TestBooking b, DateTimeOffset cancelledAt, Guid? eventId = null, string? cancelledBy = null) => ProduceAsync(b.BookingId, "BookingCancelled", new
    {
        bookingId = b.BookingId,
        reference = b.Reference,
        guestName = "Ada Lovelace",
        guestEmail = b.GuestEmail,
        hotelId = "grand-lisbon",
        checkIn = b.CheckIn,
        checkOut = b.CheckOut,
        nights = b.Nights,
        totalAmount = b.TotalAmount,
        currency = b.Currency,
        paymentMethodId = b.PaymentMethodId,
        cancelledAt,
        reason = cancelledBy == "system" ? "No payment was received in time." : "change of plans",
        cancelledBy,
        reasonCode = cancelledBy == "system" ? "payment_not_received" : null,
        occurredAt = cancelledAt,
        version = cancelledBy is null ? 1 : 2,
    }, eventId);

    private async Task<Guid> ProduceAsync(Guid bookingId, string type, object payload, Guid? eventId)
    {
        var id = eventId ?? Guid.CreateVersion7();
        await _producer.ProduceAsync(topic, new Message<string, string>
        {
            Key = bookingId.ToString(),
            Value = JsonSerializer.Serialize(payload, EventJson.Options),
            Headers = new Headers { { EventHeaders.Id, Encoding.UTF8.GetBytes(id.ToString()) }, { EventHeaders.EventType, Encoding.UTF8.GetBytes(type) } },
        });
        return id;
    }

    public void Dispose() => _producer.Dispose();
}
