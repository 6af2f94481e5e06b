namespace Hotel.Notifications.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>A booking API that accepted any payment token mailed whatever address it was given: a free mail relay.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class RejectedPaymentTokenTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    [Fact]
    public async Task A_booking_with_a_made_up_forged_or_another_guests_token_is_a_422_writes_no_event_and_sends_no_mail()
    {
        const string victim = "victim@example.com";
        var booking = await BookingAsync();
        foreach (var token in new[]
                 {
                     "pm_4242424242424242", // made up, unsigned
                     TestPaymentTokens.For(victim, key: "an-attackers-own-key-0123456789abcdef"), // forged
                     TestPaymentTokens.For("attacker@example.com"), // billing's, for another guest
                 })
        {
            using var response = await booking.Client.PostAsJsonAsync("/api/bookings", new
            {
                hotelId = "ams-canal",
                roomTypeId = "ams-canal-double",
                checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20),
                checkOut = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(23),
                guest = new { name = "Click here: http://attacker.example", email = victim },
                paymentMethodId = token,
            });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("paymentMethodId", out _), problem.ToString());
        }

        // A booking with a valid token, cancelled, goes the same way through relay, notifications and SMTP: once its mail
        // is in, anything the rejected attempts had written would have been mailed too.
        var marker = await booking.PlaceAsync("Mark Marker", "marker@example.com");
        await booking.CancelAsync(marker, "Plans changed");
        Assert.Equal("Cancellation", Assert.Single(await Smtp.WaitForAsync(marker.Reference, 1)).Headers["X-Hotel-Mail-Kind"]);

        Assert.Equal(0L, await Db.ScalarAsync<long>(booking.ConnectionString, "SELECT count(*) FROM bookings WHERE guest_email = $1", victim));
        Assert.Equal(0L, await Db.ScalarAsync<long>(booking.ConnectionString, "SELECT count(*) FROM outbox WHERE payload->>'guestEmail' = $1", victim));
        Assert.Equal(["BookingPlaced", "BookingCancelled"], await OutboxTypesAsync(booking.ConnectionString));
        Assert.Equal(0L, await Notifications.ScalarAsync<long>("SELECT count(*) FROM emails WHERE \"to\" = $1 OR booking_id <> $2", victim, marker.Id));
        Assert.Equal(0L, await Notifications.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE booking_id <> $1", marker.Id));
        Assert.DoesNotContain(Smtp.Messages(), m => m.To.Mailboxes.Any(a => a.Address == victim));
        Assert.Single(Smtp.Messages());
    }

    private static async Task<List<string>> OutboxTypesAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT type FROM outbox ORDER BY timestamp", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var types = new List<string>();
        while (await reader.ReadAsync()) types.Add(reader.GetString(0));
        return types;
    }
}
