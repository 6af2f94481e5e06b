namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using Hotel.Testing;

[Collection(BookingCollection.Name)]
public sealed class OverbookingTests(InfraFixture infra) : IAsyncLifetime
{
    private BookingApp _app = null!;

    public async Task InitializeAsync() => _app = await BookingApp.StartAsync(infra);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Fifty_concurrent_requests_for_the_last_room_give_one_booking_and_49_conflicts()
    {
        // Imperial Suite: one room. Everyone wants the same night at once.
        var night = BookingApp.Day(30);
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 50).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await _app.Client.PostAsJsonAsync("/api/bookings",
                BookingApp.NewBooking("vie-opera", "vie-opera-suite", night, night.AddDays(1), email: $"guest{i}@example.com"));
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType);
        }).ToList();
        start.Release(50);
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, results.Count(r => r.StatusCode == HttpStatusCode.Conflict && r.MediaType == "application/problem+json"));
        Assert.Equal(1, await _app.CountAsync("bookings"));
        Assert.Equal(1, await _app.CountAsync("outbox"));
        Assert.Equal(1, await _app.ScalarAsync<int>("SELECT booked FROM room_nights WHERE room_type_id = 'vie-opera-suite' AND night = $1", night));
        Assert.Equal(0, await _app.RoomsLeftAsync("vie-opera", "vie-opera-suite", night, night.AddDays(1)));
    }

    [Fact]
    public async Task Concurrent_overlapping_stays_never_sell_a_night_twice_over()
    {
        // Canal View Suite: three rooms. Stays of 1–4 nights over a 6-night window, all at once.
        var first = BookingApp.Day(60);
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            var checkIn = first.AddDays(i % 6);
            var checkOut = checkIn.AddDays(1 + i % 4);
            await start.WaitAsync();
            using var response = await _app.Client.PostAsJsonAsync("/api/bookings",
                BookingApp.NewBooking("ams-canal", "ams-canal-suite", checkIn, checkOut, email: $"guest{i}@example.com"));
            return response.StatusCode;
        }).ToList();
        start.Release(40);
        var results = await Task.WhenAll(requests);

        Assert.All(results, status => Assert.Contains(status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var created = results.Count(s => s == HttpStatusCode.Created);
        Assert.True(created >= 3, $"only {created} bookings placed");
        Assert.Equal(0L, await _app.ScalarAsync<long>("SELECT count(*) FROM room_nights WHERE booked > 3"));
        // Every booked night belongs to a booking, and every booking has exactly one event.
        Assert.Equal(await _app.ScalarAsync<long>("SELECT coalesce(sum(nights), 0)::bigint FROM bookings"),
            await _app.ScalarAsync<long>("SELECT coalesce(sum(booked), 0)::bigint FROM room_nights"));
        Assert.Equal(created, await _app.CountAsync("bookings"));
        Assert.Equal(created, await _app.CountAsync("outbox"));
    }
}
