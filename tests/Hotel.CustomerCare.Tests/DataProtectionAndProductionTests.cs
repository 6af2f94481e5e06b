namespace Hotel.CustomerCare.Tests;

using System.Net;
using Hotel.Testing;
using Npgsql;
using Xunit.Abstractions;

[Collection(CareCollection.Name)]
public sealed class DataProtectionAndProductionTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task An_agent_cookie_stays_valid_after_the_service_restarts_because_the_keys_are_in_its_database()
    {
        string cookie, database;
        CareTopics topics;
        await using (var first = await CareApp.StartAsync(infra, output))
        {
            var cookies = new CookieContainer();
            using var agent = await first.SignInAsync(CareApp.Agent, CareApp.AgentPassword, cookies);
            cookie = cookies.GetCookieHeader(first.BaseAddress);
            Assert.Contains("hotel.care=", cookie);
            database = first.ConnectionString;
            topics = first.Topics;
            Assert.True(await KeysAsync(database) >= 1, "no DataProtection key in customer care's database");
        }

        await using var second = await CareApp.StartAsync(infra, output, setup: new(Database: database, Topics: topics));
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = second.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/freshness");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Agents:0:PasswordHash", "pbkdf2-sha256$210000$kqzfX1S1lfPFSxH62H6P7Q==$B0Vxm9hsPTAH3icBg64ATjqqi402B9a2QJOXuKVRSOk=", "Agents:0:PasswordHash has the repository's development value")]
    [InlineData("Agents:0:PasswordHash", "", "Agents:0:PasswordHash is not set")]
    [InlineData("Services:NotificationsApiKey", "dev-customer-care-api-key", "Services:NotificationsApiKey has the repository's development value")]
    public async Task A_production_start_with_a_missing_or_development_secret_is_refused_naming_the_setting(string setting, string value, string message)
    {
        var settings = ProductionSettings();
        settings[setting] = value;
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CareApp.StartAsync(infra, output, setup: new(settings)));
        Assert.Contains(message, Flatten(error));
    }

    [Fact]
    public async Task A_production_start_without_agents_is_refused()
    {
        var settings = ProductionSettings();
        settings.Remove("Agents:0:Email");
        settings.Remove("Agents:0:Role");
        settings.Remove("Agents:0:PasswordHash");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CareApp.StartAsync(infra, output, setup: new(settings)));
        Assert.Contains("Agents:*:PasswordHash is not set", Flatten(error));
    }

    [Fact]
    public async Task In_production_behind_a_trusted_proxy_that_forwards_https_the_antiforgery_and_sign_in_cookies_are_secure()
    {
        var settings = ProductionSettings();
        settings["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1"; // the test client plays the TLS-terminating proxy
        await using var app = await CareApp.StartAsync(infra, output, setup: new(settings));
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var login = Forwarded(new HttpRequestMessage(HttpMethod.Get, "/Login"));
        using var page = await client.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var antiforgery = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        // A browser sends a Secure cookie over HTTPS only; here it is sent by hand.
        using var post = Forwarded(new HttpRequestMessage(HttpMethod.Post, "/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = "prod.agent@hotel.example",
                ["Password"] = "a-production-password",
                ["__RequestVerificationToken"] = CareApp.AntiforgeryToken(await page.Content.ReadAsStringAsync()),
            }),
        });
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        using var signedIn = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var authCookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("hotel.care=", StringComparison.Ordinal));
        Assert.Contains("; secure", authCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task In_production_a_page_asked_for_over_plain_http_is_a_problem_naming_the_proxy_setting_and_sets_no_cookie()
    {
        var settings = ProductionSettings();
        settings["ForwardedHeaders:KnownProxies:0"] = "10.0.0.5"; // some other proxy: this client's X-Forwarded-Proto is not believed
        await using var app = await CareApp.StartAsync(infra, output, setup: new(settings));
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        foreach (var request in new[] { new HttpRequestMessage(HttpMethod.Get, "/Login"), Forwarded(new HttpRequestMessage(HttpMethod.Get, "/Login")) })
        {
            using var page = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Equal("application/problem+json", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("ForwardedHeaders:KnownProxies", await page.Content.ReadAsStringAsync());
            Assert.False(page.Headers.Contains("Set-Cookie"));
        }
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode); // probes speak plain HTTP
    }

    /// <summary>The headers a TLS-terminating proxy adds to a request it received over HTTPS.</summary>
    private static HttpRequestMessage Forwarded(HttpRequestMessage request)
    {
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    /// <summary>Production with every secret given: one agent (a fast hash) and customer care's key at notifications.</summary>
    private static Dictionary<string, string?> ProductionSettings() => new()
    {
        ["environment"] = "Production",
        ["Agents:0:Email"] = "prod.agent@hotel.example",
        ["Agents:0:Role"] = "agent",
        ["Agents:0:PasswordHash"] = Hotel.CustomerCare.Auth.PasswordHashes.Hash("a-production-password", iterations: 10_000),
        ["Services:NotificationsApiKey"] = "a-production-key-" + Guid.NewGuid().ToString("N"),
        ["Services:BookingApiKey"] = "a-production-key-" + Guid.NewGuid().ToString("N"),
    };

    private static async Task<long> KeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM data_protection_keys", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + Flatten(e.InnerException);
}
