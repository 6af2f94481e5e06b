extern alias billing;

namespace Hotel.Booking.Tests;

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Eventing;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

/// <summary>The unpaid-booking sweep's own cancellation, as billing meets it when it consumes the booking's events late.</summary>
[Collection(BookingCollection.Name)]
public sealed class UnpaidBookingSweepBillingTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task A_booking_the_sweep_cancelled_before_billing_saw_it_placed_costs_the_guest_nothing_though_a_guests_cancellation_would_keep_a_night()
    {
        // Billing runs, but its topic stays empty until the sweep has cancelled: it is as if billing was paused and then
        // resumed, meeting the real BookingPlaced and the sweep's real BookingCancelled in order. Check-in is tomorrow,
        // inside the 48 hours in which a guest's own cancellation keeps the first night.
        const string email = "grace@example.com";
        var billingDb = await infra.NewDatabaseAsync("billing");
        var bookingEvents = infra.NewTopic("booking-events");
        await using var billingRoot = new WebApplicationFactory<billing::Program>();
        await using var billingApp = billingRoot.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Billing", billingDb);
            b.UseSetting("Kafka:BootstrapServers", infra.BootstrapServers);
            b.UseSetting("Billing:BookingEventsTopic", bookingEvents);
            b.UseSetting("Billing:ConsumerGroup", "billing-" + Guid.NewGuid().ToString("N")[..8]);
            b.UseSetting("Payments:RetryBaseDelay", "00:00:00.010");
            b.ConfigureLogging(l => l.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning)));
        });
        using var billingClient = billingApp.CreateClient();
        using var tokenised = await billingClient.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "Grace Hopper", email });
        Assert.True(tokenised.IsSuccessStatusCode, await tokenised.Content.ReadAsStringAsync());
        var token = (await tokenised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await using var booking = await BookingApp.StartAsync(infra, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = infra.BootstrapServers,
            ["Booking:PaymentEventsTopic"] = infra.NewTopic("payment-events"), // no outcome ever arrives
            ["Booking:ConsumerGroup"] = "booking-" + Guid.NewGuid().ToString("N")[..8],
            ["Booking:Payments:GracePeriod"] = "00:00:02",
            ["Booking:Payments:SweepInterval"] = "00:00:00.250",
        });
        var placed = await booking.PlaceAsync(new
        {
            hotelId = "ams-canal",
            roomTypeId = "ams-canal-double",
            checkIn = BookingApp.Day(1),
            checkOut = BookingApp.Day(3),
            guest = new { name = "Grace Hopper", email },
            paymentMethodId = token,
        });
        var bookingId = placed.GetProperty("id").GetGuid();
        var total = placed.GetProperty("totalAmount").GetDecimal();

        await Eventually.WaitAsync(async () => await booking.ScalarAsync<string>("SELECT status FROM bookings WHERE id = $1", bookingId) == "Cancelled",
            TimeSpan.FromSeconds(30), "the sweep cancelled the unpaid booking");
        var rows = await booking.OutboxAsync(bookingId.ToString());
        Assert.Equal(["BookingPlaced", "BookingCancelled"], rows.Select(r => r.Type));
        Assert.Equal("system", rows[1].Payload.GetProperty("cancelledBy").GetString());
        Assert.Equal("payment_not_received", rows[1].Payload.GetProperty("reasonCode").GetString());

        await ProduceAsRelayAsync(bookingEvents, rows);

        var status = await Eventually.WaitAsync(() => PaymentStatusAsync(billingDb, bookingId),
            s => s is "Cancelled" or "Refunded" or "PartiallyRefunded", TimeSpan.FromSeconds(30), "billing applied both events");
        Assert.True(status is "Cancelled" or "Refunded", $"the sweep's cancellation ended {status}");
        var charged = await ScalarAsync<decimal>(billingDb,
            "SELECT coalesce(sum(amount), 0) FROM sandbox_gateway_charges WHERE idempotency_key = $1 AND status = 'succeeded'", $"booking-{bookingId}-charge");
        var refunded = await ScalarAsync<decimal>(billingDb,
            "SELECT coalesce(sum(amount), 0) FROM sandbox_gateway_refunds WHERE idempotency_key = $1", $"booking-{bookingId}-refund");
        output.WriteLine($"billing: {status}, charged {charged}, refunded {refunded} of {total}");
        Assert.True(charged is 0m || charged == total, $"charged {charged} of {total}");
        Assert.Equal(charged, refunded); // nothing kept: no charge, or all of it back
    }

    /// <summary>The outbox rows as the relay produces them: key = aggregate id, value = the payload, headers id and eventType.</summary>
    private async Task ProduceAsRelayAsync(string topic, IEnumerable<OutboxRow> rows)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = infra.BootstrapServers, Partitioner = Partitioner.Murmur2Random, EnableIdempotence = true })
            .SetLogHandler((_, _) => { }).Build();
        foreach (var row in rows)
            await producer.ProduceAsync(topic, new Message<string, string>
            {
                Key = row.AggregateId,
                Value = row.Payload.GetRawText(),
                Headers = new Headers
                {
                    { EventHeaders.Id, Encoding.UTF8.GetBytes(row.Id.ToString()) },
                    { EventHeaders.EventType, Encoding.UTF8.GetBytes(row.Type) },
                },
            });
    }

    private static async Task<string> PaymentStatusAsync(string connectionString, Guid bookingId) =>
        await ScalarAsync<string?>(connectionString, "SELECT status FROM payments WHERE booking_id = $1", bookingId) ?? "";

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }
}
