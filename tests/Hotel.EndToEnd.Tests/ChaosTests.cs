using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Cli;
using Hotel.Cli.Bench;
using Hotel.Testing;
using Npgsql;
using Spectre.Console;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// Issue 12's chaos run: while three clients stream bookings into <c>./hotel run</c>, PostgreSQL is restarted three
/// times with <c>-m immediate</c>, then billing, notifications, customer care and the relay are each killed with
/// <c>kill -9</c> (the run restarts them). Afterwards nothing is lost, duplicated or dead-lettered, and every API
/// error a client saw was a 503.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 3;
    private static readonly TimeSpan BookingInterval = TimeSpan.FromMilliseconds(500); // per client: ~6 bookings/s in all, below saturation on 2 cores
    private static readonly TimeSpan EffectsDeadline = TimeSpan.FromMinutes(4);
    private static readonly string[] Databases = ["booking", "billing", "notifications", "customer-care"];
    private static readonly string[] Killed = ["billing", "notifications", "customer-care", "relay"];

    private readonly SuiteRun _suite = new();
    private readonly ConcurrentDictionary<int, int> _statuses = new(); // HTTP status (0: no answer) → count
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly ConcurrentQueue<string> _accepted = new();
    private int _next;

    [Fact]
    public async Task Three_immediate_database_restarts_and_a_kill_9_of_each_consumer_and_the_relay_under_load_lose_duplicate_and_dead_letter_nothing()
    {
        var info = await _suite.StartAsync(new Dictionary<string, string>
        {
            // Each client pays every booking with one card: past billing's velocity rules, which would hold them.
            ["Fraud__MaxBookingsPerCard"] = "1000000",
            ["Fraud__MaxEmailsPerCard"] = "1000000",
            // A killed consumer's partitions move to its restarted process after the session timeout (30 s by default).
            ["HOTEL_KAFKA_SESSION_TIMEOUT_SECONDS"] = "10",
        });
        Assert.NotNull(info.Processes);
        Assert.Equal(["billing", "booking", "customer-care", "notifications", "relay"], info.Processes.Keys.Order());

        using var billing = new HttpClient { BaseAddress = new Uri(info.Services["billing"]) };
        var guests = new List<(string Email, string PaymentMethodId)>();
        for (var c = 0; c < Clients; c++) guests.Add(await TokeniseCardAsync(billing, c));

        using var booking = new HttpClient { BaseAddress = new Uri(info.Services["booking"]), Timeout = TimeSpan.FromSeconds(60) };
        using var stopClients = new CancellationTokenSource();
        var clients = guests.Select(g => Task.Run(() => BookUntilStoppedAsync(booking, g.Email, g.PaymentMethodId, stopClients.Token))).ToList();

        var clock = Stopwatch.StartNew();
        await WaitForAcceptedAsync(10);
        for (var i = 1; i <= 3; i++)
        {
            await _suite.RestartPostgresImmediatelyAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: PostgreSQL restart {i} done");
            await WaitForAcceptedAsync(_accepted.Count + 10); // bookings go through again before the next restart
        }
        foreach (var name in Killed)
        {
            var before = (await _suite.ReadInfoAsync()).Processes![name];
            Process.GetProcessById(before.Pid).Kill(); // SIGKILL
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: kill -9 of {name} (pid {before.Pid})");
            await Eventually.WaitAsync(async () => (await _suite.ReadInfoAsync()).Processes![name],
                p => p.State == "running" && p.Pid != before.Pid, SuiteRun.Deadline, $"run.json to show {name} restarted and running");
            await WaitForAcceptedAsync(_accepted.Count + 10);
        }
        await stopClients.CancelAsync();
        await Task.WhenAll(clients);
        Assert.False(_suite.HasExited, "hotel run stopped during the chaos:\n" + _suite.Output);
        var statuses = string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString())}: {s.Value}"));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: clients stopped; answers {statuses}");

        // Every error a client saw during the outages was a 503 (with Retry-After); no 500, no dropped connection.
        Assert.True(_unexpected.IsEmpty, $"answers other than 201 and 503 ({statuses}):\n" + string.Join("\n", _unexpected.Take(10)));
        Assert.True(_statuses.GetValueOrDefault(201) > 0);

        // The committed bookings: every accepted one, and any whose commit went through while its answer was lost.
        var committed = await BookingsAsync(info.Postgres.Databases["booking"]);
        var lost = _accepted.Except(committed.Values).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} accepted booking(s) not in booking's database: {string.Join(", ", lost.Take(10))}");
        output.WriteLine($"{committed.Count} bookings committed, {_accepted.Count} answered 201");

        // Billing: one payment per booking, captured, and exactly one succeeded charge under its idempotency key.
        var billingCs = info.Postgres.Databases["billing"];
        await Eventually.WaitAsync(() => SuiteDatabase.CountAsync(billingCs, "SELECT count(*) FROM payments WHERE status = 'Captured'"),
            n => n >= committed.Count, EffectsDeadline, $"billing to capture all {committed.Count} bookings");
        var payments = await GroupCountsAsync(billingCs, "SELECT booking_id::text, count(*) FROM payments WHERE status = 'Captured' GROUP BY booking_id");
        var charges = await GroupCountsAsync(billingCs,
            "SELECT substring(idempotency_key from 'booking-(.*)-charge'), count(*) FROM sandbox_gateway_charges WHERE status = 'succeeded' GROUP BY 1");
        AssertExactlyOnce(committed, payments, "captured payment");
        AssertExactlyOnce(committed, charges, "succeeded gateway charge");

        // Notifications: one confirmation and one receipt per booking in the dev inbox (one per Message-ID: see InboxMails).
        using var inbox = new HttpClient { BaseAddress = new Uri(info.Inbox!.Url), Timeout = TimeSpan.FromSeconds(60) };
        var mails = await Eventually.WaitAsync(() => InboxMails.ReadAsync(inbox),
            m => committed.Values.All(r => m.Any(x => Identifies(x.Subject) == ConfirmationOf(r)) && m.Any(x => Identifies(x.Subject) == ReceiptOf(r))), EffectsDeadline,
            $"a confirmation and a receipt of each of the {committed.Count} bookings in the dev inbox");
        output.WriteLine($"{mails.Count} mails, {mails.Count - mails.Select(m => m.MessageId).Distinct().Count()} of them sent again with the same Message-ID");
        var bySubject = mails.GroupBy(m => Identifies(m.Subject)).ToDictionary(g => g.Key, g => g.Select(m => m.MessageId).Distinct().Count());
        var twice = committed.Values.SelectMany(r => new[] { ConfirmationOf(r), ReceiptOf(r) }).Where(s => bySubject[s] != 1).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} mail(s) sent more than once under different Message-IDs: " + string.Join("; ", twice.Take(10).Select(s => $"{s} ×{bySubject[s]}")));

        // No dead letters anywhere: every failure of the outages was waited out.
        foreach (var service in Databases)
        {
            var deadLetters = await RowsAsync(info.Postgres.Databases[service], "SELECT topic || ' ' || coalesce(event_type, '') || ': ' || coalesce(error, '') FROM dead_letters");
            Assert.True(deadLetters.Count == 0, $"{service} has {deadLetters.Count} dead letter(s): {string.Join("\n", deadLetters.Take(5))}");
        }

        // Customer care's view, once its group has read everything, equals by digest a rebuild from the topics. "Everything"
        // includes the EmailSent of a mail sent again later: a sender killed between the SMTP reply and its commit sends that
        // batch again after its backoff (same Message-IDs, so the inbox check above already counted it), and an EmailSent
        // arriving during the rebuild changes the digest after it. Seen once: the view "differed from its rebuild".
        await Eventually.WaitAsync(async () => (await RowsAsync(info.Postgres.Databases["notifications"],
                "SELECT id::text FROM emails WHERE status IN ('Pending', 'AwaitingBooking')")).Count,
            n => n == 0, EffectsDeadline, "every mail in notifications' ledger sent");
        using (var lag = new ConsumerLag(info.Kafka.BootstrapServers))
            await Eventually.WaitAsync(() => Task.FromResult(lag.Read(["customer-care"], ["booking.events", "payment.events", "email.events"], 8)["customer-care"]),
                n => n == 0, EffectsDeadline, "customer care's consumer lag to reach 0");
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) });
        var rebuild = await RebuildViewCommand.RebuildAsync(new Uri(info.Services["customer-care"]), RebuildViewCommand.DevSupervisor,
            RebuildViewCommand.DevSupervisorPassword, console, EffectsDeadline, CancellationToken.None);
        Assert.True(rebuild.DigestsEqual, $"customer care's view ({rebuild.DigestBefore}) differs from its rebuild ({rebuild.DigestAfter})");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: every effect checked");
    }

    private async Task BookUntilStoppedAsync(HttpClient booking, string email, string paymentMethodId, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(BookingInterval);
        while (!ct.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _next);
            var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1 + n / 10); // 10 a night of 20 rooms: never sold out
            try
            {
                using var response = await booking.PostAsJsonAsync("/api/bookings", new
                {
                    hotelId = "ber-mitte",
                    roomTypeId = "ber-mitte-double",
                    checkIn = checkIn.ToString("yyyy-MM-dd"),
                    checkOut = checkIn.AddDays(1).ToString("yyyy-MM-dd"),
                    guest = new { name = $"Chaos Guest {n}", email },
                    paymentMethodId,
                }, CancellationToken.None);
                _statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                if (response.StatusCode == HttpStatusCode.Created)
                    _accepted.Enqueue((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!);
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is null)
                    _unexpected.Enqueue($"booking {n}: 503 without Retry-After");
                else if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    _unexpected.Enqueue($"booking {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _statuses.AddOrUpdate(0, 1, (_, c) => c + 1);
                _unexpected.Enqueue($"booking {n}: no answer ({e.Message})");
            }
            try { await timer.WaitForNextTickAsync(ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    private Task WaitForAcceptedAsync(int count) =>
        Eventually.WaitAsync(() => Task.FromResult(_accepted.Count >= count || _suite.HasExited), SuiteRun.Deadline, $"{count} bookings answered 201");

    private static async Task<(string Email, string PaymentMethodId)> TokeniseCardAsync(HttpClient billing, int client)
    {
        var email = $"chaos{client}.{Guid.NewGuid().ToString("N")[..6]}@e2e.example";
        using var card = await billing.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = $"Chaos Guest {client}", email });
        Assert.Equal(HttpStatusCode.Created, card.StatusCode);
        return (email, (await card.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    private static void AssertExactlyOnce(Dictionary<string, string> bookings, Dictionary<string, long> counts, string what)
    {
        var missing = bookings.Where(b => !counts.ContainsKey(b.Key)).Select(b => b.Value).ToList();
        var duplicated = bookings.Where(b => counts.GetValueOrDefault(b.Key) > 1).Select(b => $"{b.Value} ×{counts[b.Key]}").ToList();
        var unknown = counts.Keys.Except(bookings.Keys).ToList();
        Assert.True(missing.Count == 0 && duplicated.Count == 0 && unknown.Count == 0,
            $"{what}: {missing.Count} booking(s) without one ({string.Join(", ", missing.Take(10))}), {duplicated.Count} with more than one "
            + $"({string.Join(", ", duplicated.Take(10))}), {unknown.Count} for no committed booking");
    }

    private static string ConfirmationOf(string reference) => $"({reference})"; // "Booking confirmed: {hotel}, {date} ({reference})"

    private static string ReceiptOf(string reference) => $"Your receipt for booking {reference}";

    /// <summary>A mail's subject reduced to what identifies it: a confirmation to "(reference)", a receipt as it is.</summary>
    private static string Identifies(string subject) =>
        subject.StartsWith("Booking confirmed", StringComparison.Ordinal) ? subject[subject.LastIndexOf('(')..] : subject;

    /// <summary>Booking id (text) → reference of every committed booking.</summary>
    private static async Task<Dictionary<string, string>> BookingsAsync(string cs) =>
        (await RowsAsync(cs, "SELECT id::text || ' ' || reference FROM bookings")).Select(r => r.Split(' ')).ToDictionary(r => r[0], r => r[1]);

    private static async Task<Dictionary<string, long>> GroupCountsAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private static async Task<List<string>> RowsAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_suite.Output.Length > 30_000 ? _suite.Output[^30_000..] : _suite.Output);
        await _suite.DisposeAsync();
    }
}
