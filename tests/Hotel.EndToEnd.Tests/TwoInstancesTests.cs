using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.LocalInfra;
using Hotel.Testing;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// <c>HOTEL_INSTANCES=2</c>: <c>./hotel run</c> starts a second process of billing, notifications and customer care,
/// each on its own port in its service's consumer group, so the partitions are shared; every booking still gets
/// exactly one confirmation.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class TwoInstancesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Consumers = ["billing", "notifications", "customer-care"];
    private readonly SuiteRun _suite = new();

    [Fact]
    public async Task With_two_instances_each_consumer_runs_twice_in_one_group_and_every_booking_is_confirmed_once()
    {
        var info = await _suite.StartAsync(new Dictionary<string, string>
        {
            ["HOTEL_INSTANCES"] = "2",
            ["HOTEL_BILLING_2_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_NOTIFICATIONS_2_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_CUSTOMER_CARE_2_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["RateLimiting__Tokenisation__PermitLimit"] = "1000000",
            // Every booking pays with the same test card: past billing's velocity rules, which would hold them.
            ["Fraud__MaxBookingsPerCard"] = "1000000",
            ["Fraud__MaxEmailsPerCard"] = "1000000",
        });
        Assert.NotNull(info.Processes);
        Assert.Equal(["billing", "billing-2", "booking", "customer-care", "customer-care-2", "notifications", "notifications-2", "relay"], info.Processes.Keys.Order());
        Assert.All(info.Processes.Values, p => Assert.Equal("running", p.State));
        foreach (var name in Consumers)
        {
            Assert.NotEqual(info.Processes[name].Pid, info.Processes[$"{name}-2"].Pid);
            using var http = new HttpClient { BaseAddress = new Uri(info.Services[$"{name}-2"]) };
            using var health = await http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var billing = new HttpClient { BaseAddress = new Uri(info.Services["billing"]) };
        using var booking = new HttpClient { BaseAddress = new Uri(info.Services["booking"]) };
        var references = new List<string>();
        for (var i = 0; i < 8; i++) references.Add(await PlaceAsync(billing, booking, i));

        using var inbox = new HttpClient { BaseAddress = new Uri(info.Inbox!.Url) };
        var confirmations = await Eventually.WaitAsync(async () => (await InboxMails.ReadAsync(inbox))
                .Select(m => m.Subject).Where(s => s.StartsWith("Booking confirmed", StringComparison.Ordinal)).ToList(),
            subjects => references.All(r => subjects.Any(s => s.Contains(r))), SuiteRun.Deadline, "a confirmation of each of the 8 bookings");
        Assert.All(references, r => Assert.Single(confirmations, s => s.Contains(r)));

        // Each second instance holds partitions of its group: the group shares them.
        foreach (var name in Consumers)
        {
            var log = await File.ReadAllTextAsync(info.Processes[$"{name}-2"].Log);
            Assert.Contains($"Consumer group {name} assigned", log); // each group is named after its service
        }
    }

    private static async Task<string> PlaceAsync(HttpClient billing, HttpClient booking, int i)
    {
        var email = $"twice{i}.{Guid.NewGuid().ToString("N")[..6]}@e2e.example";
        using var card = await billing.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = $"Guest {i}", email });
        Assert.Equal(HttpStatusCode.Created, card.StatusCode);
        var paymentMethodId = (await card.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(120 + i);
        using var placed = await booking.PostAsJsonAsync("/api/bookings", new
        {
            hotelId = "lis-alfama",
            roomTypeId = "lis-alfama-twin",
            checkIn = checkIn.ToString("yyyy-MM-dd"),
            checkOut = checkIn.AddDays(1).ToString("yyyy-MM-dd"),
            guest = new { name = $"Guest {i}", email },
            paymentMethodId,
        });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_suite.Output.Length > 20_000 ? _suite.Output[^20_000..] : _suite.Output);
        await _suite.DisposeAsync();
    }
}
