extern alias booking;

namespace Hotel.CustomerCare.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Cdc;
using Hotel.Eventing.Kafka;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Xunit.Abstractions;
using BookingProgram = booking::Program;

/// <summary>
/// The real path: booking API → outbox → WAL → relay → <c>booking.events</c> → customer care; and back: a supervisor's
/// cancel in the agent UI calls the booking API, whose BookingCancelled event comes round into the view.
/// </summary>
[Collection(CareCollection.Name)]
public sealed class EndToEndTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task A_booking_through_the_booking_API_reaches_the_view_and_a_supervisor_cancels_it_from_the_agent_UI()
    {
        // The relay's topic, made before anyone subscribes (a consumer subscribed to a missing topic waits for a metadata refresh).
        infra.Kafka.CreateTopic("booking.events", 8);
        var bookingDb = await infra.NewDatabaseAsync("booking");
        var bookingUrl = $"http://127.0.0.1:{CareApp.FreeTcpPort()}";
        await using var root = new WebApplicationFactory<BookingProgram>();
        await using var bookingApp = root.WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Booking", bookingDb)
            .UseSetting("Urls", bookingUrl));
        bookingApp.UseKestrel();
        bookingApp.StartServer(); // migrates and seeds before the relay looks for the outbox table
        using var relay = new OutboxRelayService([bookingDb], new KafkaOptions { BootstrapServers = infra.BootstrapServers },
            new OutboxRelayOptions(), TestOutputLoggerProvider.Factory(output, Microsoft.Extensions.Logging.LogLevel.Warning));
        await relay.StartAsync(CancellationToken.None);
        try
        {
            await using var care = await CareApp.StartAsync(infra, output, bookingsTopic: "booking.events", bookingUrl: bookingUrl);

            using var http = new HttpClient { BaseAddress = new Uri(bookingUrl) };
            var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(50);
            using var placed = await http.PostAsJsonAsync("/api/bookings", new
            {
                hotelId = "lis-alfama",
                roomTypeId = "lis-alfama-double",
                checkIn = day,
                checkOut = day.AddDays(2),
                guest = new { name = "Grace Hopper", email = "grace@example.com" },
                paymentMethodId = TestPaymentTokens.For("grace@example.com"),
            });
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            var reference = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;

            using var api = care.BasicClient(CareApp.Agent, CareApp.AgentPassword);
            var booking = await Eventually.WaitAsync(() => TimelineAsync(api, reference), b => b is not null, TimeSpan.FromSeconds(30), $"{reference} in the view");
            Assert.Equal("confirmed", booking!.Value.GetProperty("status").GetString());
            Assert.Equal("grace@example.com", booking.Value.GetProperty("guestEmail").GetString());
            var guestId = booking.Value.GetProperty("guestId").GetGuid();

            var supervisor = await care.SignInAsync(CareApp.Supervisor, CareApp.SupervisorPassword);
            var page = await supervisor.GetStringAsync($"/Guests/{guestId}");
            using var cancel = await supervisor.PostAsync($"/Guests/{guestId}?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["reference"] = reference,
                ["reason"] = "guest called customer care",
                ["__RequestVerificationToken"] = CareApp.AntiforgeryToken(page),
            }));
            Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);

            var cancelled = await Eventually.WaitAsync(() => TimelineAsync(api, reference),
                b => b?.GetProperty("status").GetString() == "cancelled", TimeSpan.FromSeconds(30), $"{reference} cancelled in the view");
            Assert.Equal("guest called customer care", cancelled!.Value.GetProperty("cancellationReason").GetString());
            Assert.Equal(["placed", "cancelled"], cancelled.Value.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("kind").GetString()!).ToArray());

            // Customer care called with its key, so booking's event says an agent cancelled, not the guest.
            await using var bookingConnection = new NpgsqlConnection(bookingDb);
            await bookingConnection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT payload->>'cancelledBy' FROM outbox WHERE type = 'BookingCancelled' AND payload->>'reference' = $1", bookingConnection)
            { Parameters = { new() { Value = reference } } };
            Assert.Equal("agent", await query.ExecuteScalarAsync());
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<JsonElement?> TimelineAsync(HttpClient api, string reference)
    {
        using var response = await api.GetAsync($"/api/bookings/{reference}/timeline");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
