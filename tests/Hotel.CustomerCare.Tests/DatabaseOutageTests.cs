namespace Hotel.CustomerCare.Tests;

using System.Net;
using Hotel.CustomerCare.View;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>While customer care's database is away its API and pages say so (503, not 500) and come back by themselves.</summary>
[Collection(CareCollection.Name)]
public sealed class DatabaseOutageTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_its_database_refuses_connections_the_API_and_the_pages_answer_503_with_Retry_After_readiness_is_unhealthy_and_both_recover_when_it_is_back()
    {
        var stay = new Wire.Stay(Guid.NewGuid(), "HTOUT" + Random.Shared.Next(1000, 9999), "Olga Outage", "olga.outage@example.com",
            DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30), 2, 240m);
        await using var app = await CareApp.StartAsync(infra, output);
        await app.ProduceAsync([Wire.Placed(stay, DateTimeOffset.UtcNow)], infra.BootstrapServers);
        await app.WaitForAppliedAsync(1);
        var guestId = GuestKeys.IdFor(stay.GuestEmail);
        using var api = app.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        using var browser = await app.SignInAsync(CareApp.Agent, CareApp.AgentPassword);
        await CareApp.GetJsonAsync(api, $"/api/guests/{guestId}");

        await using (await DatabaseOutage.BeginAsync(infra, app.ConnectionString))
        {
            using (var search = await api.GetAsync("/api/guests?query=olga"))
                await OutageAnswers.AssertUnavailableProblemAsync(search, "GET /api/guests");
            using (var guest = await api.GetAsync($"/api/guests/{guestId}"))
                await OutageAnswers.AssertUnavailableProblemAsync(guest, "GET /api/guests/{id}");
            using (var page = await browser.SendAsync(BrowserGet($"/Guests/{guestId}")))
                await OutageAnswers.AssertUnavailablePageAsync(page, "the guest page");

            using (var ready = await api.GetAsync("/health/ready"))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using (var live = await api.GetAsync("/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // The same process, not restarted.
        await Eventually.WaitAsync(async () =>
        {
            using var ready = await api.GetAsync("/health/ready");
            return ready.StatusCode;
        }, s => s == HttpStatusCode.OK, Recovery, "readiness back");
        var details = await CareApp.GetJsonAsync(api, $"/api/guests/{guestId}");
        Assert.Contains(stay.Reference, details.ToString());
        using (var page = await browser.SendAsync(BrowserGet($"/Guests/{guestId}")))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(stay.Reference, await page.Content.ReadAsStringAsync());
        }
    }

    private static HttpRequestMessage BrowserGet(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }
}
