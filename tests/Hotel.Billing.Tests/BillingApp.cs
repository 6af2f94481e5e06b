namespace Hotel.Billing.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Billing.Gateways;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

/// <summary>Where one billing instance reads from and writes to; a second instance on the same Spec is "the same service restarted".</summary>
public sealed record BillingSpec(string ConnectionString, string BookingTopic, string Group)
{
    public static async Task<BillingSpec> NewAsync(InfraFixture infra, int partitions = 4) => new(
        await infra.NewDatabaseAsync("billing"), infra.NewTopic("booking-events", partitions), "billing-" + Guid.NewGuid().ToString("N")[..8]);
}

/// <summary>The billing service in-process (WebApplicationFactory): its API, its Kafka consumer and its migrated database.</summary>
public sealed class BillingApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _root = new();
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>The API keys the tests configure (<c>ApiKeys:CustomerCare</c>, <c>ApiKeys:Operator</c>).</summary>
    public const string CareKey = "test-customer-care-key", OperatorKey = "test-operator-key";

    /// <summary>A client without credentials: the guest's browser, or a stranger.</summary>
    public HttpClient Client { get; }

    /// <summary>A client sending customer care's API key (X-Api-Key), for the payment lookup.</summary>
    public HttpClient Caller { get; }

    public BillingSpec Spec { get; }
    public LogCapture Logs { get; } = new();
    public IServiceProvider Services => _factory.Services;

    private BillingApp(InfraFixture infra, BillingSpec spec, ITestOutputHelper? output, IDictionary<string, string?>? settings,
        Action<IServiceCollection>? services)
    {
        Spec = spec;
        _factory = _root.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Billing", spec.ConnectionString);
            builder.UseSetting("Kafka:BootstrapServers", infra.BootstrapServers);
            builder.UseSetting("Billing:BookingEventsTopic", spec.BookingTopic);
            builder.UseSetting("Billing:ConsumerGroup", spec.Group);
            builder.UseSetting("Payments:RetryBaseDelay", "00:00:00.010");
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.UseSetting("ApiKeys:CustomerCare", CareKey);
            builder.UseSetting("ApiKeys:Operator", OperatorKey);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
            builder.ConfigureLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                logging.AddProvider(Logs);
                if (output is not null) logging.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Information));
            });
            if (services is not null) builder.ConfigureTestServices(services);
        });
        Client = _factory.CreateClient(); // starts the host: migrations, then the consumer
        Caller = _factory.CreateClient();
        Caller.DefaultRequestHeaders.Add("X-Api-Key", CareKey);
    }

    public static BillingApp Start(InfraFixture infra, BillingSpec spec, ITestOutputHelper? output = null,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(infra, spec, output, settings, services);

    /// <summary>Another client of the same app, e.g. one that does not follow redirects.</summary>
    public HttpClient CreateClient(WebApplicationFactoryClientOptions options) => _factory.CreateClient(options);

    /// <summary>Tokenises a card through the API for <paramref name="email"/>; returns the token.</summary>
    public async Task<string> TokeniseAsync(string number, string cvc = "123", string email = "ada@example.com")
    {
        using var response = await Client.PostAsJsonAsync("/api/payment-methods",
            new { number, expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc, holderName = "Ada Lovelace", email });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Caller.Dispose();
        await _factory.DisposeAsync();
        await _root.DisposeAsync();
    }
}

/// <summary>Reads billing's database directly.</summary>
public static class Db
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<(string Type, JsonElement Payload)>> OutboxAsync(string connectionString, Guid bookingId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT aggregatetype, type, payload::text FROM outbox WHERE aggregateid = $1 ORDER BY timestamp", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = bookingId.ToString() });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, JsonElement)>();
        while (await reader.ReadAsync())
        {
            Assert.Equal("payment", reader.GetString(0));
            rows.Add((reader.GetString(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        }
        return rows;
    }

    public static Task<string?> PaymentStatusAsync(string connectionString, Guid bookingId) =>
        ScalarAsync<string?>(connectionString, "SELECT status FROM payments WHERE booking_id = $1", bookingId);

    public static Task<string> WaitForPaymentAsync(string connectionString, Guid bookingId, Func<string, bool>? done = null) =>
        Eventually.WaitAsync(async () => await PaymentStatusAsync(connectionString, bookingId) ?? "",
            s => s != "" && (done?.Invoke(s) ?? true), TimeSpan.FromSeconds(30), $"a payment for booking {bookingId}");

    /// <summary>Charges the sandbox gateway made under the booking's key: (rows, succeeded rows, requests received).</summary>
    public static async Task<(long Rows, long Succeeded, long Requests)> GatewayChargesAsync(string connectionString, Guid bookingId)
    {
        var key = IdempotencyKeys.Charge(bookingId);
        return (await ScalarAsync<long>(connectionString, "SELECT count(*) FROM sandbox_gateway_charges WHERE idempotency_key = $1", key),
            await ScalarAsync<long>(connectionString, "SELECT count(*) FROM sandbox_gateway_charges WHERE idempotency_key = $1 AND status = 'succeeded'", key),
            await ScalarAsync<long>(connectionString, "SELECT coalesce(sum(requests), 0)::bigint FROM sandbox_gateway_charges WHERE idempotency_key = $1", key));
    }
}
