extern alias BookingService;

namespace Hotel.Notifications.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Cdc;
using Hotel.Eventing.Kafka;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

/// <summary>The notifications service in-process, on a fresh database, wired to a test broker and SMTP server.</summary>
public sealed class NotificationsApp : IAsyncDisposable
{
    /// <summary>The API keys the tests configure (<c>ApiKeys:CustomerCare</c>, <c>ApiKeys:Operator</c>).</summary>
    public const string CareKey = "test-customer-care-key", OperatorKey = "test-operator-key";

    /// <summary>Sender workers (SMTP connections) the tests run with.</summary>
    public const int SenderConcurrency = 4;
    public const int SenderBatchSize = 10;

    private readonly WebApplicationFactory<Program> _root = new();
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>A client without credentials: what a stranger on the network has.</summary>
    public HttpClient Client { get; }

    /// <summary>A client sending customer care's API key (X-Api-Key).</summary>
    public HttpClient Caller { get; }

    public string ConnectionString { get; }

    /// <summary>The service's container, to run its handlers the way the consumer host does.</summary>
    public IServiceProvider Services => _factory.Services;

    private NotificationsApp(string connectionString, string bootstrapServers, int smtpPort, ITestOutputHelper output, IReadOnlyDictionary<string, string> overrides)
    {
        ConnectionString = connectionString;
        _factory = _root.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in Settings(connectionString, bootstrapServers, smtpPort)) builder.UseSetting(key, value);
            foreach (var (key, value) in overrides) builder.UseSetting(key, value);
            builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output)));
        });
        Client = _factory.CreateClient();
        Caller = _factory.CreateClient();
        Caller.DefaultRequestHeaders.Add("X-Api-Key", CareKey);
    }

    /// <summary>The configuration tests run notifications with: short retry intervals (the default poll, so no test leans on polling).</summary>
    public static Dictionary<string, string> Settings(string connectionString, string bootstrapServers, int smtpPort) => new()
    {
        ["Urls"] = "http://127.0.0.1:0", // never the documented port 5300, which a ./hotel run may hold
        ["ConnectionStrings:Notifications"] = connectionString,
        ["Kafka:BootstrapServers"] = bootstrapServers,
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = smtpPort.ToString(),
        ["Smtp:Timeout"] = "00:00:10",
        ["ApiKeys:CustomerCare"] = CareKey,
        ["ApiKeys:Operator"] = OperatorKey,
        ["Notifications:Sender:RetryBaseDelay"] = "00:00:00.200",
        ["Notifications:Sender:RetryMaxDelay"] = "00:00:01",
        ["Notifications:Sender:Concurrency"] = SenderConcurrency.ToString(),
        ["Notifications:Sender:BatchSize"] = SenderBatchSize.ToString(),
    };

    public static async Task<NotificationsApp> StartAsync(InfraFixture infra, string bootstrapServers, int smtpPort, ITestOutputHelper output,
        IReadOnlyDictionary<string, string> overrides) =>
        new(await infra.NewDatabaseAsync("notifications"), bootstrapServers, smtpPort, output, overrides);

    public async Task<List<JsonElement>> EmailsAsync(string bookingReference) =>
        await Caller.GetFromJsonAsync<List<JsonElement>>($"/api/emails?bookingReference={Uri.EscapeDataString(bookingReference)}") ?? [];

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters) => await Db.ScalarAsync<T>(ConnectionString, sql, parameters);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Caller.Dispose();
        await _factory.DisposeAsync();
        await _root.DisposeAsync();
    }
}

/// <summary>The booking service in-process on its own database, and the relay publishing its outbox to the test broker.</summary>
public sealed class BookingApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<BookingService::Program> _root = new();
    private readonly WebApplicationFactory<BookingService::Program> _factory;
    private RunningRelay? _relay;
    private readonly string _bootstrapServers;
    private int _day = 10;

    public HttpClient Client { get; }
    public string ConnectionString { get; }

    private BookingApp(string connectionString, string bootstrapServers)
    {
        ConnectionString = connectionString;
        _bootstrapServers = bootstrapServers;
        _factory = _root.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Booking", connectionString);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        Client = _factory.CreateClient();
    }

    /// <summary>Starts booking; the relay too unless <paramref name="relay"/> is false (then <see cref="StartRelayAsync"/> later).</summary>
    public static async Task<BookingApp> StartAsync(InfraFixture infra, string bootstrapServers, bool relay = true)
    {
        var app = new BookingApp(await infra.NewDatabaseAsync("booking"), bootstrapServers);
        using (await app.Client.GetAsync("/health/ready")) { } // the first request runs migrations and the seed
        if (relay) await app.StartRelayAsync();
        return app;
    }

    public async Task StartRelayAsync() => _relay ??= await RunningRelay.StartAsync(ConnectionString, _bootstrapServers);

    public sealed record Placed(Guid Id, string Reference, string GuestName, string GuestEmail);

    /// <summary>Places a 3-night stay in a Classic Double at Canal House Amsterdam (3 × EUR 149).</summary>
    public async Task<Placed> PlaceAsync(string guestName, string guestEmail)
    {
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(Interlocked.Add(ref _day, 4));
        using var response = await Client.PostAsJsonAsync("/api/bookings", new
        {
            hotelId = "ams-canal",
            roomTypeId = "ams-canal-double",
            checkIn,
            checkOut = checkIn.AddDays(3),
            guest = new { name = guestName, email = guestEmail },
            paymentMethodId = TestPaymentTokens.For(guestEmail),
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Placed(body.GetProperty("id").GetGuid(), body.GetProperty("reference").GetString()!, guestName, guestEmail);
    }

    public async Task CancelAsync(Placed booking, string reason)
    {
        using var response = await Client.PostAsJsonAsync($"/api/bookings/{booking.Reference}/cancel", new { email = booking.GuestEmail, reason });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The id of the booking's outbox event of <paramref name="type"/>: the event id notifications keys its ledger on.</summary>
    public Task<Guid> EventIdAsync(Guid bookingId, string type) =>
        Db.ScalarAsync<Guid>(ConnectionString, "SELECT id FROM outbox WHERE aggregateid = $1 AND type = $2", bookingId.ToString(), type);

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null) await _relay.DisposeAsync();
        Client.Dispose();
        await _factory.DisposeAsync();
        await _root.DisposeAsync();
    }
}

public static class Db
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
