namespace Hotel.CustomerCare.Tests;

using System.Net;
using Hotel.CustomerCare.View;
using Hotel.Testing;
using Xunit.Abstractions;

[Collection(CareCollection.Name)]
public sealed class SecurityTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task Roles_antiforgery_and_encoding_hold()
    {
        var placed = new Wire.Stay(Guid.NewGuid(), "HTSEC" + Random.Shared.Next(1000, 9999), "<img src=x onerror=alert(1)>Eve", "eve@example.com",
            DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20), 2, 180m);
        await using var app = await CareApp.StartAsync(infra, output);
        await app.ProduceAsync([Wire.Placed(placed, DateTimeOffset.UtcNow)], infra.BootstrapServers);
        await app.WaitForAppliedAsync(1);
        var guestId = GuestKeys.IdFor("eve@example.com");

        // Without signing in: pages redirect to the sign-in page; the API, admin API and hub answer 401 problems, never data.
        using var anonymous = app.NewClient();
        foreach (var page in new[] { "/", $"/?q=eve", $"/Guests/{guestId}", $"/Guests/{guestId}?handler=Body" })
        {
            using var response = await anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Login", response.Headers.Location!.PathAndQuery);
        }
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/api/guests?query=eve"), (HttpMethod.Get, $"/api/guests/{guestId}"),
                     (HttpMethod.Get, $"/api/bookings/{placed.Reference}/timeline"), (HttpMethod.Get, "/api/freshness"),
                     (HttpMethod.Get, "/api/admin/digest"), (HttpMethod.Post, "/api/admin/rebuild"), (HttpMethod.Get, "/api/admin/rebuild"),
                     (HttpMethod.Post, "/hubs/feed/negotiate?negotiateVersion=1"),
                 })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(method, path));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("eve@example.com", await response.Content.ReadAsStringAsync());
        }
        // Health and the OpenAPI document (no data in either) stay open.
        using (var response = await anonymous.GetAsync("/health/ready"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/guests", "/api/guests/{id}", "/api/bookings/{reference}/timeline" })
            Assert.Contains($"\"{path}\"", openApi);

        using (var wrongPassword = app.BasicClient(CareApp.Supervisor, "not-the-password"))
        using (var response = await wrongPassword.GetAsync("/api/guests?query=eve"))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // A wrong password on the sign-in page signs nobody in.
        var stranger = app.NewClient();
        var loginPage = await stranger.GetStringAsync("/Login");
        using (var response = await stranger.PostAsync("/Login", Form(("Email", CareApp.Agent), ("Password", "guess"), ("__RequestVerificationToken", CareApp.AntiforgeryToken(loginPage)))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("wrong password", await response.Content.ReadAsStringAsync());
        }
        using (var response = await stranger.GetAsync("/"))
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        // Sign-in without the antiforgery token is refused.
        using (var response = await app.NewClient().PostAsync("/Login", Form(("Email", CareApp.Agent), ("Password", CareApp.AgentPassword))))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        // An agent sees the guest, with the HTML in the name encoded, and no cancel button.
        var agent = await app.SignInAsync(CareApp.Agent, CareApp.AgentPassword);
        var guestPage = await agent.GetStringAsync($"/Guests/{guestId}");
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;Eve", guestPage);
        Assert.DoesNotContain("<img src=x", guestPage);
        Assert.Contains("Resend confirmation", guestPage);
        Assert.DoesNotContain("Cancel booking", guestPage);
        var token = CareApp.AntiforgeryToken(guestPage);

        // An agent cannot cancel, even by posting the form by hand with a valid token.
        using (var response = await agent.PostAsync($"/Guests/{guestId}?handler=Cancel", Form(("reference", placed.Reference), ("__RequestVerificationToken", token))))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        // Nor rebuild the view through the admin API.
        using (var agentBasic = app.BasicClient(CareApp.Agent, CareApp.AgentPassword))
        using (var response = await agentBasic.GetAsync("/api/admin/digest"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // A signed-in agent's form post without the antiforgery token is refused.
        using (var response = await agent.PostAsync($"/Guests/{guestId}?handler=Resend", Form(("reference", placed.Reference))))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // The cookie does not open the admin API (HTTP Basic only there, so no cross-site request can use it).
        var supervisor = await app.SignInAsync(CareApp.Supervisor, CareApp.SupervisorPassword);
        using (var response = await supervisor.PostAsync("/api/admin/rebuild", null))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // A supervisor may cancel: the action reaches the booking service (not running here, so the agent is told so).
        var supervisorPage = await supervisor.GetStringAsync($"/Guests/{guestId}");
        Assert.Contains("Cancel booking", supervisorPage);
        using (var response = await supervisor.PostAsync($"/Guests/{guestId}?handler=Cancel",
                   Form(("reference", placed.Reference), ("reason", "guest called"), ("__RequestVerificationToken", CareApp.AntiforgeryToken(supervisorPage)))))
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("booking service cannot be reached", await supervisor.GetStringAsync($"/Guests/{guestId}"));

        // The API gives the agent the data (JSON encodes, the page encodes; the raw name is data, not markup).
        using var api = app.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        var found = await CareApp.GetJsonAsync(api, "/api/guests?query=EVE");
        Assert.Equal(placed.GuestName, Assert.Single(found.EnumerateArray()).GetProperty("name").GetString());
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
