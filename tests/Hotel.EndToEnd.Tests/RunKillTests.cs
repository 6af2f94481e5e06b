using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Eventing.Consuming;
using Hotel.LocalInfra;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// <c>kill -9</c> of <c>./hotel run</c> (PostgreSQL survives, the in-memory broker does not) in the
/// middle of a stream of bookings, then a restart: every committed booking's event is applied
/// exactly once by a consumer that was itself stopped with the suite.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class RunKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = SuiteRun.Deadline;
    private readonly SuiteRun _suite = new();

    [Fact]
    public async Task Kill_9_of_hotel_run_mid_stream_then_restart_applies_every_booking_exactly_once()
    {
        var info = await _suite.StartAsync();
        var viewCs = info.Postgres.ConnectionString.Replace("Database=postgres", "Database=e2e_view");
        await using (var admin = new NpgsqlConnection(info.Postgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE e2e_view", admin);
            await create.ExecuteNonQueryAsync();
        }
        await using (var db = ViewContext(viewCs)) await db.Database.EnsureCreatedAsync();

        var consumer = await StartConsumerAsync(info.Kafka.BootstrapServers, viewCs);
        using var stopBooking = new CancellationTokenSource();
        var placing = PlaceBookingsUntilCancelledAsync($"http://127.0.0.1:{_suite.BookingPort}", stopBooking.Token);

        // Kill in the middle of the stream: some bookings are applied, more are in flight.
        await Eventually.WaitAsync(async () => await CountAsync(viewCs, "SELECT count(*) FROM viewed_bookings") >= 20, Deadline, "20 bookings applied before the kill");
        _suite.Kill();
        await stopBooking.CancelAsync();
        var placedBeforeKill = await placing;
        await consumer.StopAsync(CancellationToken.None); // its broker is gone; it comes back against the new one
        consumer.Dispose();
        output.WriteLine($"{placedBeforeKill} bookings acknowledged before the kill");

        // The services notice their parent is gone within a second and stop; then the fixed booking port is free again.
        await Eventually.WaitAsync(() => Task.FromResult(PortIsFree(_suite.BookingPort)), Deadline, "the killed run's booking service to release its port");
        info = await _suite.StartAsync();
        consumer = await StartConsumerAsync(info.Kafka.BootstrapServers, viewCs);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_suite.BookingPort}") };
            for (var i = 0; i < 5; i++) await PlaceOneAsync(http, 1000 + i);

            var bookingCs = info.Postgres.Databases["booking"];
            var committed = await CountAsync(bookingCs, "SELECT count(*) FROM bookings");
            Assert.True(committed >= placedBeforeKill + 5, $"{committed} bookings committed, {placedBeforeKill} acknowledged before the kill");
            await Eventually.WaitAsync(async () => await CountAsync(viewCs, "SELECT count(*) FROM viewed_bookings") == committed, Deadline,
                $"all {committed} committed bookings in the consumer's view");

            Assert.Equal(0, await CountAsync(viewCs, "SELECT count(*) FROM viewed_bookings WHERE times_applied <> 1"));
            var missing = await CountAsync(bookingCs, "SELECT count(*) FROM bookings") - await CountAsync(viewCs, "SELECT count(*) FROM viewed_bookings");
            Assert.Equal(0, missing);
        }
        finally
        {
            await consumer.StopAsync(CancellationToken.None);
            consumer.Dispose();
        }
    }

    private async Task<IHost> StartConsumerAsync(string bootstrap, string viewCs)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = bootstrap });
        builder.Services.AddDbContext<BookingsViewDbContext>(o => o.UseNpgsql(viewCs));
        builder.AddEventConsumers<BookingsViewDbContext>("e2e-view", consumers => consumers
            .Subscribe("booking.events")
            .Add<BookingPlacedIntegrationEvent, BookingPlacedHandler>());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<int> PlaceBookingsUntilCancelledAsync(string baseUrl, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var placed = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async worker =>
        {
            for (var i = worker; !ct.IsCancellationRequested; i += 4)
            {
                try
                {
                    if (await PlaceOneAsync(http, i)) Interlocked.Increment(ref placed);
                }
                catch (HttpRequestException) { return; } // the service died with the suite
                catch (TaskCanceledException) { return; }
            }
        }));
        return placed;
    }

    private static async Task<bool> PlaceOneAsync(HttpClient http, int i)
    {
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1 + i / 8);
        using var response = await http.PostAsJsonAsync("/api/bookings", new
        {
            hotelId = "lis-alfama",
            roomTypeId = "lis-alfama-twin",
            checkIn = checkIn.ToString("yyyy-MM-dd"),
            checkOut = checkIn.AddDays(1).ToString("yyyy-MM-dd"),
            guest = new { name = $"Guest {i}", email = $"guest{i}@e2e.example" },
            paymentMethodId = TestPaymentTokens.For($"guest{i}@e2e.example"),
        });
        return response.IsSuccessStatusCode;
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException) { return false; }
    }

    private static BookingsViewDbContext ViewContext(string cs) =>
        new(new DbContextOptionsBuilder<BookingsViewDbContext>().UseNpgsql(cs).Options);

    private static async Task<long> CountAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _suite.DisposeAsync();
}
