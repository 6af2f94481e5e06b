namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

/// <summary>Limits per client address — the proxy's word for it only from a configured proxy — and the live-status stream cap.</summary>
[Collection(BookingCollection.Name)]
public sealed partial class ClientRateLimitTests(InfraFixture infra)
{
    [Fact]
    public async Task One_client_over_the_limit_gets_429_with_Retry_After_while_another_client_behind_the_trusted_proxy_is_served()
    {
        await using var app = await KestrelBooking.StartAsync(infra, new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["RateLimiting:Api:PermitLimit"] = "2",
            ["RateLimiting:Api:Window"] = "00:01:00",
        });
        using var first = app.ClientFor("203.0.113.7");
        using var second = app.ClientFor("198.51.100.20");

        for (var i = 0; i < 2; i++)
            using (var placed = await first.PostAsJsonAsync("/api/bookings", Stay(i)))
                Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        using var refused = await first.PostAsJsonAsync("/api/bookings", Stay(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());

        using (var served = await second.PostAsJsonAsync("/api/bookings", Stay(3)))
            Assert.Equal(HttpStatusCode.Created, served.StatusCode);
        Assert.Equal(3L, await app.ScalarAsync<long>("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task Without_a_configured_proxy_X_Forwarded_For_is_ignored_and_every_request_counts_against_the_sender()
    {
        await using var app = await KestrelBooking.StartAsync(infra, new()
        {
            ["RateLimiting:Api:PermitLimit"] = "2",
            ["RateLimiting:Api:Window"] = "00:01:00",
        });
        for (var i = 0; i < 2; i++)
        {
            using var client = app.ClientFor($"203.0.113.{10 + i}");
            using var placed = await client.PostAsJsonAsync("/api/bookings", Stay(i));
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        }
        using var claimsAnother = app.ClientFor("198.51.100.99");
        using var refused = await claimsAnother.PostAsJsonAsync("/api/bookings", Stay(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task A_client_holds_at_most_the_configured_number_of_live_status_streams_at_once()
    {
        await using var app = await BookingApp.StartAsync(infra, new Dictionary<string, string?> { ["RateLimiting:LiveStatusStreams"] = "2" });
        var booking = await app.PlaceAsync(BookingApp.NewBooking("ber-mitte", "ber-mitte-single", BookingApp.Day(40), BookingApp.Day(42), email: "stream@example.com"));
        var reference = booking.GetProperty("reference").GetString()!;
        await OpenBookingPageAsync(app.Client, reference, "stream@example.com");

        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var stream = await app.Client.GetAsync($"/bookings/{reference}/events", HttpCompletionOption.ResponseHeadersRead);
                open.Add(stream);
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
                Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
            }
            using (var third = await app.Client.GetAsync($"/bookings/{reference}/events", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
                Assert.True(int.Parse(third.Headers.GetValues("Retry-After").Single()) > 0);
            }

            // Closing a stream frees its place.
            open[0].Dispose();
            open.RemoveAt(0);
            var again = await Eventually.WaitAsync(async () =>
            {
                var response = await app.Client.GetAsync($"/bookings/{reference}/events", HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode == HttpStatusCode.OK) return response;
                response.Dispose();
                return null;
            }, r => r is not null, TimeSpan.FromSeconds(10), "a stream accepted once one was closed");
            open.Add(again!);
        }
        finally
        {
            foreach (var stream in open) stream.Dispose();
        }
    }

    /// <summary>The booking page's e-mail form, as a browser fills it in: its cookie opens the page and the stream.</summary>
    private static async Task OpenBookingPageAsync(HttpClient client, string reference, string email)
    {
        var form = await client.GetStringAsync($"/bookings/{reference}");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var access = await client.PostAsync($"/bookings/{reference}?handler=Access", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, access.StatusCode); // followed the redirect to the page itself
        Assert.Contains("live-status", await access.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private static object Stay(int i) =>
        BookingApp.NewBooking("ber-mitte", "ber-mitte-double", BookingApp.Day(90 + i), BookingApp.Day(91 + i), email: $"guest{i}@example.com");

    /// <summary>Booking on Kestrel (a real socket, so the remote address is 127.0.0.1) on a fresh database.</summary>
    private sealed class KestrelBooking : IAsyncDisposable
    {
        private readonly WebApplicationFactory<Program> _root = new();
        private readonly WebApplicationFactory<Program> _factory;
        private readonly Uri _url = new($"http://127.0.0.1:{FreePort()}");
        private readonly string _connectionString;

        private KestrelBooking(string connectionString, Dictionary<string, string> settings)
        {
            _connectionString = connectionString;
            _factory = _root.WithWebHostBuilder(builder =>
            {
                builder.UseSetting("Urls", _url.ToString());
                builder.UseSetting("ConnectionStrings:Booking", connectionString);
                foreach (var (key, value) in settings) builder.UseSetting(key, value);
            });
            _factory.UseKestrel();
            _factory.StartServer();
        }

        public static async Task<KestrelBooking> StartAsync(InfraFixture infra, Dictionary<string, string> settings) =>
            new(await infra.NewDatabaseAsync("booking"), settings);

        /// <summary>A client whose requests say, as a proxy would, that they come from <paramref name="address"/>.</summary>
        public HttpClient ClientFor(string address)
        {
            var client = new HttpClient { BaseAddress = _url };
            client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
            return client;
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            return (T)(await command.ExecuteScalarAsync())!;
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        public async ValueTask DisposeAsync()
        {
            await _factory.DisposeAsync();
            await _root.DisposeAsync();
        }
    }
}
