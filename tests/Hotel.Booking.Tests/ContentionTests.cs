namespace Hotel.Booking.Tests;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>Bookings and cancellations of overlapping stays at once: no deadlock, no 500, and the inventory adds up.</summary>
[Collection(BookingCollection.Name)]
public sealed class ContentionTests(InfraFixture infra, ITestOutputHelper output)
{
    private const string HotelId = "lis-alfama";
    private const string RoomTypeId = "lis-alfama-double"; // 8 rooms
    private const int Clients = 16;
    private const int Operations = 2_000;

    [Fact]
    public async Task Sixteen_clients_booking_and_cancelling_overlapping_stays_of_one_room_type_get_no_5xx_and_PostgreSQL_logs_no_deadlock()
    {
        await using var app = await BookingApp.StartAsync(infra, new Dictionary<string, string?>
        {
            ["RateLimiting:Requests:PermitLimit"] = "1000000",
            ["RateLimiting:Api:PermitLimit"] = "1000000",
        });
        var firstNight = BookingApp.Day(120);
        // The nights exist and the table is analysed, as autovacuum leaves it in service: PostgreSQL then reads this
        // small table sequentially, in the physical order that every update shuffles, not in night order.
        await app.ScalarAsync<int>($"INSERT INTO room_nights (room_type_id, night, total, booked) SELECT '{RoomTypeId}', d::date, 8, 0 " +
            $"FROM generate_series('{firstNight:yyyy-MM-dd}'::date, '{firstNight.AddDays(11):yyyy-MM-dd}'::date, interval '1 day') AS d; SELECT 1");
        await app.ScalarAsync<int>("ANALYZE room_nights; SELECT 1");
        var log = Path.Combine(infra.Postgres.DataDirectory, "server.log");
        var logStart = new FileInfo(log).Length;
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var operations = 0;
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            var held = new List<string>();
            while (Interlocked.Increment(ref operations) <= Operations)
            {
                if (held.Count > 0 && (held.Count >= 3 || random.Next(2) == 0))
                {
                    var reference = held[random.Next(held.Count)];
                    held.Remove(reference);
                    using var cancel = await app.Client.PostAsJsonAsync($"/api/bookings/{reference}/cancel", new { email = $"client{client}@example.com" });
                    statuses.Add(cancel.StatusCode);
                    continue;
                }
                var checkIn = firstNight.AddDays(random.Next(8));
                using var place = await app.Client.PostAsJsonAsync("/api/bookings",
                    BookingApp.NewBooking(HotelId, RoomTypeId, checkIn, checkIn.AddDays(1 + random.Next(3)), email: $"client{client}@example.com"));
                statuses.Add(place.StatusCode);
                if (place.StatusCode == HttpStatusCode.Created)
                    held.Add((await place.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!);
            }
        })));
        output.WriteLine($"{statuses.Count} operations in {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key} × {g.Count()}")));

        Assert.Equal(Operations, statuses.Count);
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.OK }));
        Assert.Contains(HttpStatusCode.OK, statuses); // cancellations did run beside the bookings
        var newLog = ReadFrom(log, logStart);
        Assert.DoesNotContain("deadlock detected", newLog);

        // Every booked night belongs to a booking still standing, and no night is sold over its 8 rooms.
        Assert.Equal(await app.ScalarAsync<long>($"SELECT coalesce(sum(nights), 0)::bigint FROM bookings WHERE room_type_id = '{RoomTypeId}' AND status <> 'Cancelled'"),
            await app.ScalarAsync<long>($"SELECT coalesce(sum(booked), 0)::bigint FROM room_nights WHERE room_type_id = '{RoomTypeId}'"));
        Assert.Equal(0L, await app.ScalarAsync<long>($"SELECT count(*) FROM room_nights WHERE room_type_id = '{RoomTypeId}' AND booked > total"));
    }

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
