namespace Hotel.CustomerCare.Tests;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

/// <summary>One PostgreSQL cluster and Kafka mock for every test class here; each app gets its own database, topics and group.</summary>
[CollectionDefinition(Name)]
public sealed class CareCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "customer-care";
}

public sealed record CareTopics(string Bookings, string Payments, string Emails);

/// <summary>
/// Customer care in-process (WebApplicationFactory) on a real Kestrel port, so a browser can reach it;
/// the Development environment, so the seeded dev agents (appsettings.Development.json) sign in.
/// </summary>
public sealed partial class CareApp : IAsyncDisposable
{
    public const string Agent = "agent@hotel.local", AgentPassword = "agent-dev-password";
    public const string Supervisor = "supervisor@hotel.local", SupervisorPassword = "supervisor-dev-password";

    private readonly WebApplicationFactory<Program> _root = new();
    private readonly WebApplicationFactory<Program> _factory;

    public Uri BaseAddress { get; }
    public string ConnectionString { get; }
    public CareTopics Topics { get; }

    /// <summary>What a test changes about the app: settings over the defaults, a JSON file read like appsettings (reloaded on change), an existing database.</summary>
    public sealed record Setup(IReadOnlyDictionary<string, string?>? Settings = null, string? JsonFile = null, string? Database = null, CareTopics? Topics = null);

    private CareApp(InfraFixture infra, string connectionString, CareTopics topics, ITestOutputHelper output, string? bookingUrl, Setup? setup)
    {
        ConnectionString = connectionString;
        Topics = topics;
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _factory = _root.WithWebHostBuilder(builder => Overrides(Customise(builder, setup)
            .UseEnvironment("Development")
            .UseSetting("Urls", BaseAddress.ToString())
            .UseSetting("ConnectionStrings:CustomerCare", connectionString)
            .UseSetting("Kafka:BootstrapServers", infra.BootstrapServers)
            .UseSetting("CustomerCare:ConsumerGroup", "care-" + Guid.NewGuid().ToString("N")[..8])
            .UseSetting("CustomerCare:Topics:Bookings", topics.Bookings)
            .UseSetting("CustomerCare:Topics:Payments", topics.Payments)
            .UseSetting("CustomerCare:Topics:Emails", topics.Emails)
            // Nothing listens here: actions that call other services get a clear "cannot be reached".
            .UseSetting("Services:Booking", bookingUrl ?? $"http://127.0.0.1:{FreePort()}")
            .UseSetting("Services:Notifications", $"http://127.0.0.1:{FreePort()}")
            .ConfigureLogging(l => l.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning))), setup));
        _factory.UseKestrel();
        _factory.StartServer();
    }

    /// <param name="bookingsTopic">default: a topic of its own; the real <c>booking.events</c> when the relay feeds it.</param>
    /// <param name="bookingUrl">the booking API the cancel action calls; default: a port nobody listens on.</param>
    public static async Task<CareApp> StartAsync(InfraFixture infra, ITestOutputHelper output, string? bookingsTopic = null, string? bookingUrl = null,
        Setup? setup = null)
    {
        var topics = setup?.Topics
            ?? new CareTopics(bookingsTopic ?? infra.NewTopic("booking.events", 8), infra.NewTopic("payment.events", 8), infra.NewTopic("email.events", 8));
        return new CareApp(infra, setup?.Database ?? await infra.NewDatabaseAsync("care"), topics, output, bookingUrl, setup);
    }

    /// <summary>The test's JSON file, and its settings (applied after the defaults, so they win).</summary>
    private static IWebHostBuilder Customise(IWebHostBuilder builder, Setup? setup)
    {
        if (setup?.JsonFile is { } file) builder.ConfigureAppConfiguration(c => c.AddJsonFile(file, optional: false, reloadOnChange: true));
        return builder;
    }

    private static IWebHostBuilder Overrides(IWebHostBuilder builder, Setup? setup)
    {
        foreach (var (key, value) in setup?.Settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        return builder;
    }

    public static int FreeTcpPort() => FreePort();

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects.</summary>
    public HttpClient NewClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseAddress };

    /// <summary>A script-like client signing every request with HTTP Basic.</summary>
    public HttpClient BasicClient(string user, string password)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static string AntiforgeryToken(string html) => TokenPattern().Match(html) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException("No antiforgery token in the page.");

    /// <summary>Signs in through the sign-in page (with its antiforgery token) and returns the cookie-carrying client.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password, CookieContainer? cookies = null)
    {
        var client = NewClient(cookies);
        var page = await client.GetStringAsync("/Login");
        using var response = await client.PostAsync("/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public async Task<long> AppliedEventsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM inbox", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public Task WaitForAppliedAsync(long count, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(AppliedEventsAsync, n => n >= count, timeout ?? TimeSpan.FromSeconds(30), $"{count} applied event(s)");

    /// <summary>Produces events in the wire format of the outbox router: key = booking id, value = payload, headers id and eventType.</summary>
    public async Task ProduceAsync(IEnumerable<WireEvent> events, string bootstrapServers)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrapServers, Partitioner = Partitioner.Murmur2Random, EnableIdempotence = true, Acks = Acks.All, LingerMs = 0 })
            .SetLogHandler((_, _) => { }).Build();
        foreach (var e in events)
        {
            var topic = e.Topic switch { WireTopic.Booking => Topics.Bookings, WireTopic.Payment => Topics.Payments, _ => Topics.Emails };
            await producer.ProduceAsync(topic, new Message<string, string>
            {
                Key = e.Key,
                Value = e.Payload,
                Headers = new Headers { { "id", Encoding.UTF8.GetBytes(e.Id.ToString()) }, { "eventType", Encoding.UTF8.GetBytes(e.EventType) } },
            });
        }
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _root.DisposeAsync();
    }
}
