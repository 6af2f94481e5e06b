namespace Hotel.Booking.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

/// <summary>The booking service in-process (WebApplicationFactory) on a fresh, migrated and seeded database.</summary>
public sealed class BookingApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _root = new();
    private readonly WebApplicationFactory<Program> _factory;

    public HttpClient Client { get; }
    public string ConnectionString { get; }

    /// <summary>The running service's own services (its consumer host, say).</summary>
    public IServiceProvider Services => _factory.Services;

    private BookingApp(string connectionString, IDictionary<string, string?>? settings = null)
    {
        ConnectionString = connectionString;
        _factory = _root.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Booking", connectionString);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        });
        Client = _factory.CreateClient();
    }

    public static async Task<BookingApp> StartAsync(InfraFixture infra) =>
        new(await infra.NewDatabaseAsync("booking"));

    /// <summary>With extra settings, e.g. Kafka:BootstrapServers to consume payment events.</summary>
    public static async Task<BookingApp> StartAsync(InfraFixture infra, IDictionary<string, string?> settings) =>
        new(await infra.NewDatabaseAsync("booking"), settings);

    /// <summary>Another instance on an existing database: the same service restarted (or a second instance).</summary>
    public static BookingApp StartOn(string connectionString) => new(connectionString);

    /// <summary>A night far enough ahead to be valid whatever the clock says, distinct per offset.</summary>
    public static DateOnly Day(int daysFromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(daysFromToday);

    public static object NewBooking(string hotelId, string roomTypeId, DateOnly checkIn, DateOnly checkOut, string email = "ada@example.com") => new
    {
        hotelId,
        roomTypeId,
        checkIn,
        checkOut,
        guest = new { name = "Ada Lovelace", email },
        paymentMethodId = TestPaymentTokens.For(email),
    };

    public async Task<JsonElement> PlaceAsync(object booking)
    {
        using var response = await Client.PostAsJsonAsync("/api/bookings", booking);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<int> RoomsLeftAsync(string hotelId, string roomTypeId, DateOnly checkIn, DateOnly checkOut)
    {
        var availability = await Client.GetFromJsonAsync<JsonElement>($"/api/hotels/{hotelId}/availability?checkIn={checkIn:yyyy-MM-dd}&checkOut={checkOut:yyyy-MM-dd}");
        return availability.GetProperty("roomTypes").EnumerateArray()
            .Single(rt => rt.GetProperty("roomTypeId").GetString() == roomTypeId)
            .GetProperty("roomsLeft").GetInt32();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public Task<long> CountAsync(string table) => ScalarAsync<long>($"SELECT count(*) FROM {table}");

    /// <summary>Rows of the outbox for one aggregate, oldest first.</summary>
    public async Task<List<OutboxRow>> OutboxAsync(string aggregateId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, aggregatetype, aggregateid, type, payload::text FROM outbox WHERE aggregateid = $1 ORDER BY timestamp", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = aggregateId });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync())
            rows.Add(new OutboxRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), JsonDocument.Parse(reader.GetString(4)).RootElement));
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await _root.DisposeAsync();
        // Each app has a database of its own, so its pooled connections are never used again: close them now. Left
        // idle until the pools prune them, the project's apps together passed the test server's max_connections.
        NpgsqlConnection.ClearAllPools();
    }
}

public sealed record OutboxRow(Guid Id, string AggregateType, string AggregateId, string Type, JsonElement Payload);
