extern alias billing;

namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Cdc;
using Hotel.Eventing;
using Hotel.Eventing.Kafka;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

/// <summary>
/// The guest website for real: booking and billing each in-process on Kestrel (real ports a browser can reach), on
/// their own databases, joined by the built-in CDC relay (booking.events → billing, payment.events → booking) on the
/// embedded broker. Notifications is not started: a test produces its EmailSent onto the e-mail topic in the wire format.
/// </summary>
public sealed class GuestSite : IAsyncDisposable
{

    private readonly WebApplicationFactory<global::Program> _bookingRoot = new();
    private readonly WebApplicationFactory<billing::Program> _billingRoot = new();
    private WebApplicationFactory<global::Program> _booking = null!;
    private WebApplicationFactory<billing::Program> _billing = null!;
    private OutboxRelayService _relay = null!;

    public Uri BookingUrl { get; } = new($"http://127.0.0.1:{FreePort()}");
    public Uri BillingUrl { get; } = new($"http://127.0.0.1:{FreePort()}");
    public string BookingDb { get; private set; } = "";
    public string BillingDb { get; private set; } = "";
    public string EmailTopic { get; private set; } = "";
    public string BootstrapServers { get; private set; } = "";

    public static async Task<GuestSite> StartAsync(InfraFixture infra, ITestOutputHelper output, IDictionary<string, string?>? bookingSettings = null)
    {
        var site = new GuestSite
        {
            BookingDb = await infra.NewDatabaseAsync("booking"),
            BillingDb = await infra.NewDatabaseAsync("billing"),
            EmailTopic = infra.NewTopic("email-events"),
            BootstrapServers = infra.BootstrapServers,
        };
        // The relay's topics, created before anyone subscribes (a consumer would not see them appear for minutes).
        infra.Kafka.CreateTopic("booking.events", 8);
        infra.Kafka.CreateTopic("payment.events", 8);
        var group = Guid.NewGuid().ToString("N")[..8];
        site._billing = site._billingRoot.WithWebHostBuilder(b =>
        {
            b.UseSetting("Urls", site.BillingUrl.ToString());
            b.UseSetting("ConnectionStrings:Billing", site.BillingDb);
            b.UseSetting("Kafka:BootstrapServers", infra.BootstrapServers);
            b.UseSetting("Billing:BookingEventsTopic", "booking.events");
            b.UseSetting("Billing:ConsumerGroup", "billing-site-" + group);
            b.UseSetting("Billing:PaymentForm:AllowedOrigins:0", site.BookingUrl.ToString().TrimEnd('/'));
            b.UseSetting("Payments:RetryBaseDelay", "00:00:00.010");
            b.UseSetting("Fraud:MaxBookingsPerCard", "1000");
            b.UseSetting("Fraud:MaxEmailsPerCard", "1000");
            b.ConfigureLogging(l => l.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning)));
        });
        site._billing.UseKestrel();
        site._billing.StartServer();

        site._booking = site._bookingRoot.WithWebHostBuilder(b =>
        {
            b.UseSetting("Urls", site.BookingUrl.ToString());
            b.UseSetting("ConnectionStrings:Booking", site.BookingDb);
            b.UseSetting("Kafka:BootstrapServers", infra.BootstrapServers);
            b.UseSetting("Booking:ConsumerGroup", "booking-site-" + group);
            b.UseSetting("Booking:PaymentEventsTopic", "payment.events");
            b.UseSetting("Booking:EmailEventsTopic", site.EmailTopic);
            b.UseSetting("Booking:Payments:FailedGracePeriod", "00:00:00");
            b.UseSetting("Booking:Payments:SweepInterval", "00:00:00.250");
            b.UseSetting("Services:Billing", site.BillingUrl.ToString());
            foreach (var (key, value) in bookingSettings ?? new Dictionary<string, string?>()) b.UseSetting(key, value);
            b.ConfigureLogging(l => l.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning)));
        });
        site._booking.UseKestrel();
        site._booking.StartServer();

        site._relay = new OutboxRelayService([site.BookingDb, site.BillingDb], new KafkaOptions { BootstrapServers = infra.BootstrapServers },
            new OutboxRelayOptions(), TestOutputLoggerProvider.Factory(output, LogLevel.Warning));
        await site._relay.StartAsync(CancellationToken.None);
        return site;
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumOptions.RequireExecutable(), Headless = true, Args = ChromiumOptions.Args });

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    public Task<IBrowserContext> NewContextAsync(IBrowser browser, ViewportSize viewport) =>
        browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BookingUrl.ToString(),
            ViewportSize = viewport,
            IsMobile = viewport.Width < 600,
            HasTouch = viewport.Width < 600,
        });

    /// <summary>Saves a full-page screenshot under the test output's <c>artifacts/</c> and prints its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        Console.WriteLine($"screenshot: {path}");
        return path;
    }

    /// <summary>An EmailSent as notifications publishes it (key = booking id, headers id and eventType).</summary>
    public async Task ProduceEmailSentAsync(Guid bookingId, string reference, string to, string kind = "confirmation")
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = BootstrapServers, Partitioner = Partitioner.Murmur2Random })
            .SetLogHandler((_, _) => { }).Build();
        var payload = new
        {
            bookingId,
            bookingReference = reference,
            kind,
            to,
            sentAt = DateTimeOffset.UtcNow,
            messageId = $"<{Guid.NewGuid():N}@hotel.local>",
            resend = false,
            version = 1,
            occurredAt = DateTimeOffset.UtcNow,
        };
        await producer.ProduceAsync(EmailTopic, new Message<string, string>
        {
            Key = bookingId.ToString(),
            Value = JsonSerializer.Serialize(payload, EventJson.Options),
            Headers = new Headers
            {
                { EventHeaders.Id, Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString()) },
                { EventHeaders.EventType, Encoding.UTF8.GetBytes("EmailSent") },
            },
        });
    }

    public async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.StopAsync(CancellationToken.None);
            _relay.Dispose();
        }
        if (_booking is not null) await _booking.DisposeAsync();
        await _bookingRoot.DisposeAsync();
        if (_billing is not null) await _billing.DisposeAsync();
        await _billingRoot.DisposeAsync();
    }
}
