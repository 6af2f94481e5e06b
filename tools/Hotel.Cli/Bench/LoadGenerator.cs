using System.Diagnostics;
using System.Net.Http.Json;

namespace Hotel.Cli.Bench;

/// <summary>One <c>POST /api/bookings</c>: when it was due, sent and answered (ms since the load started), and its HTTP status (0: no answer).</summary>
public sealed record RequestSample(double DueMs, double SentMs, double DoneMs, int Status);

public sealed record LoadResult(DateTime StartedAt, DateTime EndedAt, IReadOnlyList<RequestSample> Requests)
{
    public double Seconds => (EndedAt - StartedAt).TotalSeconds;
    public int Placed => Requests.Count(r => r.Status == 201);
    public int Failed => Requests.Count(r => r.Status is 0 or >= 500);
    public int Rejected => Requests.Count - Placed - Failed;
}

/// <summary>
/// Places bookings through the booking API. Open loop: a fixed schedule of send times at the offered rate, each
/// request sent when due whether or not earlier ones were answered (a send that could not leave on time is
/// recorded late, and its latency counts from when it was due). Closed loop: a number of clients, each sending its
/// next booking when the previous one was answered.
/// </summary>
public sealed class LoadGenerator(HttpClient booking, IReadOnlyList<string> paymentMethodIds)
{
    private int _guests;

    /// <summary>The e-mail the <paramref name="card"/>-th test card was tokenised for.</summary>
    public static string BenchGuestEmail(int card) => $"guest{card}@bench.example";

    /// <summary>A client that never waits for a connection: each concurrent request gets its own.</summary>
    public static HttpClient NewClient(string bookingUrl) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(bookingUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };

    public async Task<LoadResult> OpenLoopAsync(IReadOnlyList<BookingSlot> slots, double perSecond)
    {
        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var sends = new Task<RequestSample>[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            var dueMs = i * 1000.0 / perSecond;
            var wait = dueMs - clock.Elapsed.TotalMilliseconds;
            if (wait >= 1) await Task.Delay(TimeSpan.FromMilliseconds(wait));
            sends[i] = SendAsync(slots[i], dueMs, clock);
        }
        var samples = await Task.WhenAll(sends);
        return new LoadResult(startedAt, startedAt + clock.Elapsed, samples);
    }

    public async Task<LoadResult> ClosedLoopAsync(IReadOnlyList<BookingSlot> slots, int concurrency)
    {
        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var samples = new RequestSample[slots.Count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < slots.Count)
                samples[i] = await SendAsync(slots[i], clock.Elapsed.TotalMilliseconds, clock);
        }));
        return new LoadResult(startedAt, startedAt + clock.Elapsed, samples);
    }

    private async Task<RequestSample> SendAsync(BookingSlot slot, double dueMs, Stopwatch clock)
    {
        var sentMs = clock.Elapsed.TotalMilliseconds;
        var guest = Interlocked.Increment(ref _guests);
        int status;
        try
        {
            using var response = await booking.PostAsJsonAsync("/api/bookings", new
            {
                hotelId = slot.HotelId,
                roomTypeId = slot.RoomTypeId,
                checkIn = slot.CheckIn.ToString("yyyy-MM-dd"),
                checkOut = slot.CheckIn.AddDays(1).ToString("yyyy-MM-dd"),
                // Tokens are bound to one guest's e-mail: guest n books as the n-th tokenised card's guest.
                guest = new { name = $"Bench Guest {guest}", email = BenchGuestEmail(guest % paymentMethodIds.Count) },
                paymentMethodId = paymentMethodIds[guest % paymentMethodIds.Count],
            });
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            status = 0;
        }
        return new RequestSample(dueMs, sentMs, clock.Elapsed.TotalMilliseconds, status);
    }
}
