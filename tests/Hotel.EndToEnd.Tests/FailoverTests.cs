using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hotel.LocalInfra;
using Hotel.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// <c>HOTEL_INSTANCES=2</c> under load: <c>kill -9</c> of one instance of billing, of notifications and of customer care,
/// one at a time while bookings stream in. The dead member's partitions go to the other instance once the broker's
/// session timeout (shortened to 10 s here) expires, or back to the restarted process; every effect happens exactly once.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = SuiteRun.Deadline;
    private readonly SuiteRun _suite = new();

    [Fact]
    public async Task Kill_9_of_one_instance_of_each_consumer_mid_stream_moves_its_partitions_and_every_booking_is_captured_mailed_and_viewed_exactly_once()
    {
        var started = Stopwatch.StartNew();
        var info = await _suite.StartAsync(new Dictionary<string, string>
        {
            ["HOTEL_INSTANCES"] = "2",
            ["HOTEL_KAFKA_SESSION_TIMEOUT_SECONDS"] = "10",
            ["HOTEL_BILLING_2_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_NOTIFICATIONS_2_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_CUSTOMER_CARE_2_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["RateLimiting__Tokenisation__PermitLimit"] = "1000000",
            // Every booking pays with the same test card: past billing's velocity rules, which would hold them.
            ["Fraud__MaxBookingsPerCard"] = "1000000",
            ["Fraud__MaxEmailsPerCard"] = "1000000",
        });
        var billingDb = info.Postgres.Databases["billing"];
        var bookingDb = info.Postgres.Databases["booking"];
        var careDb = info.Postgres.Databases["customer-care"];

        using var stop = new CancellationTokenSource();
        var references = new List<string>();
        var placing = PlaceUntilStoppedAsync(info, references, stop.Token);

        // One instance of each, one at a time; the next kill waits until effects flow again after the previous one.
        foreach (var victim in new[] { "billing-2", "notifications", "customer-care-2" })
        {
            var captured = await SuiteDatabase.CountAsync(billingDb, "SELECT count(*) FROM payments WHERE status = 'Captured'");
            await Eventually.WaitAsync(() => SuiteDatabase.CountAsync(billingDb, "SELECT count(*) FROM payments WHERE status = 'Captured'"),
                n => n >= captured + 4, Deadline, $"bookings captured before killing {victim}");
            var before = (await _suite.ReadInfoAsync()).Processes![victim];
            Process.GetProcessById(before.Pid).Kill(); // SIGKILL: no goodbye to the group, its partitions wait out the session timeout
            output.WriteLine($"{started.Elapsed.TotalSeconds:F0} s: killed {victim} (pid {before.Pid})");
            await Eventually.WaitAsync(async () => (await _suite.ReadInfoAsync()).Processes![victim],
                p => p.Pid != before.Pid && p.State == "running", Deadline, $"{victim} restarted by the run");
        }
        var capturedAfterKills = await SuiteDatabase.CountAsync(billingDb, "SELECT count(*) FROM payments WHERE status = 'Captured'");
        await Eventually.WaitAsync(() => SuiteDatabase.CountAsync(billingDb, "SELECT count(*) FROM payments WHERE status = 'Captured'"),
            n => n >= capturedAfterKills + 4, Deadline, "bookings captured after the last restart");
        await stop.CancelAsync();
        await placing;
        output.WriteLine($"{started.Elapsed.TotalSeconds:F0} s: {references.Count} bookings placed; waiting for every effect");

        var accepted = await SuiteDatabase.CountAsync(bookingDb, "SELECT count(*) FROM bookings");
        Assert.Equal(references.Count, accepted);
        await Eventually.WaitAsync(() => SuiteDatabase.CountAsync(billingDb, "SELECT count(*) FROM payments WHERE status = 'Captured'"),
            n => n == accepted, Deadline, $"each of the {accepted} bookings captured");
        Assert.Equal(accepted, await SuiteDatabase.CountAsync(billingDb, "SELECT count(DISTINCT booking_id) FROM payments"));

        using var inbox = new HttpClient { BaseAddress = new Uri(info.Inbox!.Url) };
        var mails = await Eventually.WaitAsync(() => InboxMails.ReadAsync(inbox),
            m => references.All(r => m.Select(x => x.Subject).Distinct().Count(x => x.Contains(r)) >= 2), Deadline,
            "a confirmation and a receipt of every booking");
        output.WriteLine($"{mails.Count} mails, {mails.Count - mails.Select(m => m.MessageId).Distinct().Count()} of them sent again with the same Message-ID");
        foreach (var reference in references)
        {
            Assert.Single(mails.Where(m => m.Subject.StartsWith("Booking confirmed", StringComparison.Ordinal) && m.Subject.Contains(reference))
                .Select(m => m.MessageId).Distinct());
            Assert.Single(mails.Where(m => m.Subject.StartsWith("Your receipt", StringComparison.Ordinal) && m.Subject.Contains(reference))
                .Select(m => m.MessageId).Distinct());
        }

        await Eventually.WaitAsync(() => SuiteDatabase.CountAsync(careDb, "SELECT count(*) FROM bookings"), n => n == accepted, Deadline,
            "every booking in customer care's view");
        Assert.Equal(accepted, await SuiteDatabase.CountAsync(careDb, "SELECT count(DISTINCT reference) FROM bookings"));

        foreach (var service in new[] { "booking", "billing", "notifications", "customer-care" })
            Assert.Equal(0, await SuiteDatabase.CountAsync(info.Postgres.Databases[service], "SELECT count(*) FROM dead_letters"));

        // Each customer-care instance reports the lag of the partitions it owns, not the other's: both are caught up.
        foreach (var instance in new[] { "customer-care", "customer-care-2" })
        {
            using var care = new HttpClient { BaseAddress = new Uri(info.Services[instance]) };
            care.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes("agent@hotel.local:agent-dev-password")));
            await Eventually.WaitAsync(async () => (await care.GetFromJsonAsync<JsonElement>("/api/freshness")).GetProperty("consumerLag"),
                lag => lag.ValueKind == JsonValueKind.Number && lag.GetInt64() == 0, Deadline, $"{instance}'s consumer lag of 0");
        }
        output.WriteLine($"{started.Elapsed.TotalSeconds:F0} s: done");
    }

    /// <summary>
    /// One client booking at most every 400 ms until stopped (a schedule, so the stream stays small enough to drain
    /// quickly on a shared machine); each accepted booking's reference is kept.
    /// </summary>
    private static async Task PlaceUntilStoppedAsync(RunInfoFile info, List<string> references, CancellationToken ct)
    {
        using var billing = new HttpClient { BaseAddress = new Uri(info.Services["billing"]) };
        using var booking = new HttpClient { BaseAddress = new Uri(info.Services["booking"]) };
        using var schedule = new PeriodicTimer(TimeSpan.FromMilliseconds(400));
        for (var i = 0; !ct.IsCancellationRequested; i++)
        {
            var reference = await PlaceAsync(billing, booking, i);
            lock (references) references.Add(reference);
            try { await schedule.WaitForNextTickAsync(ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static async Task<string> PlaceAsync(HttpClient billing, HttpClient booking, int i)
    {
        var email = $"failover{i}.{Guid.NewGuid().ToString("N")[..6]}@e2e.example";
        using var card = await billing.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = $"Guest {i}", email });
        Assert.Equal(HttpStatusCode.Created, card.StatusCode);
        var paymentMethodId = (await card.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30 + i / 4);
        using var placed = await booking.PostAsJsonAsync("/api/bookings", new
        {
            hotelId = "lis-alfama",
            roomTypeId = "lis-alfama-twin",
            checkIn = checkIn.ToString("yyyy-MM-dd"),
            checkOut = checkIn.AddDays(1).ToString("yyyy-MM-dd"),
            guest = new { name = $"Guest {i}", email },
            paymentMethodId,
        });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_suite.Output.Length > 20_000 ? _suite.Output[^20_000..] : _suite.Output);
        await _suite.DisposeAsync();
    }
}
