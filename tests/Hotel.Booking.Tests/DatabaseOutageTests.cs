namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;

/// <summary>While the booking database is away the service says so (503, not 500) and comes back by itself.</summary>
[Collection(BookingCollection.Name)]
public sealed class DatabaseOutageTests(InfraFixture infra)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_its_database_refuses_connections_the_API_and_the_website_answer_503_with_Retry_After_readiness_is_unhealthy_and_both_recover_when_it_is_back()
    {
        await using var app = await BookingApp.StartAsync(infra);
        var placed = await app.PlaceAsync(BookingApp.NewBooking("lis-alfama", "lis-alfama-double", BookingApp.Day(60), BookingApp.Day(62)));
        var reference = placed.GetProperty("reference").GetString()!;
        using (var ready = await app.Client.GetAsync("/health/ready")) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var bookingsBefore = await app.CountAsync("bookings");
        // Several pooled connections, idle when the outage ends them: none may be handed out after it.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var hotels = await app.Client.GetAsync("/api/hotels");
            Assert.Equal(HttpStatusCode.OK, hotels.StatusCode);
        }));

        await using (await DatabaseOutage.BeginAsync(infra, app.ConnectionString))
        {
            using (var post = await app.Client.PostAsJsonAsync("/api/bookings",
                       BookingApp.NewBooking("lis-alfama", "lis-alfama-double", BookingApp.Day(70), BookingApp.Day(72))))
                await OutageAnswers.AssertUnavailableProblemAsync(post, "POST /api/bookings");
            using (var get = await app.Client.GetAsync($"/api/bookings/{reference}?email=ada@example.com"))
                await OutageAnswers.AssertUnavailableProblemAsync(get, "GET /api/bookings/{reference}");
            using (var hotels = await app.Client.GetAsync("/api/hotels"))
                await OutageAnswers.AssertUnavailableProblemAsync(hotels, "GET /api/hotels");
            using (var page = await app.Client.SendAsync(BrowserGet("/")))
                await OutageAnswers.AssertUnavailablePageAsync(page, "the website's search page");

            using (var ready = await app.Client.GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            }
            using (var live = await app.Client.GetAsync("/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // The same process, not restarted: the pool's next connections find the database back.
        await Eventually.WaitAsync(async () =>
        {
            using var ready = await app.Client.GetAsync("/health/ready");
            return ready.StatusCode;
        }, s => s == HttpStatusCode.OK, Recovery, "readiness back");
        Assert.Equal(bookingsBefore, await app.CountAsync("bookings")); // the refused booking left nothing behind
        var after = await app.PlaceAsync(BookingApp.NewBooking("lis-alfama", "lis-alfama-double", BookingApp.Day(70), BookingApp.Day(72)));
        var found = await app.Client.GetFromJsonAsync<JsonElement>($"/api/bookings/{reference}?email=ada@example.com");
        Assert.Equal(reference, found.GetProperty("reference").GetString());
        Assert.NotEqual(reference, after.GetProperty("reference").GetString());
        using (var page = await app.Client.SendAsync(BrowserGet("/"))) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var hotels = await app.Client.GetAsync("/api/hotels");
            Assert.Equal(HttpStatusCode.OK, hotels.StatusCode);
        }));
    }

    private static HttpRequestMessage BrowserGet(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }
}
