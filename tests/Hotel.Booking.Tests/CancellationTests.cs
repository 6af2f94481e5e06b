namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;

[Collection(BookingCollection.Name)]
public sealed class CancellationTests(InfraFixture infra) : IAsyncLifetime
{
    private BookingApp _app = null!;

    public async Task InitializeAsync() => _app = await BookingApp.StartAsync(infra);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Cancelling_releases_every_night_and_writes_BookingCancelled_once()
    {
        var checkIn = BookingApp.Day(14);
        var checkOut = BookingApp.Day(16);
        var placed = await _app.PlaceAsync(BookingApp.NewBooking("vie-opera", "vie-opera-deluxe", checkIn, checkOut, email: "alan@example.com"));
        var id = placed.GetProperty("id").GetGuid();
        var reference = placed.GetProperty("reference").GetString()!;
        Assert.Equal(5, await _app.RoomsLeftAsync("vie-opera", "vie-opera-deluxe", checkIn, checkOut));

        using var response = await _app.Client.PostAsJsonAsync($"/api/bookings/{reference}/cancel", new { email = "ALAN@example.com", reason = "Plans changed" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cancelled = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(6, await _app.RoomsLeftAsync("vie-opera", "vie-opera-deluxe", checkIn, checkOut));

        var events = await _app.OutboxAsync(id.ToString());
        Assert.Equal(["BookingPlaced", "BookingCancelled"], events.Select(e => e.Type));
        var payload = events[1].Payload;
        Assert.Equal("booking", events[1].AggregateType);
        Assert.Equal(id, payload.GetProperty("bookingId").GetGuid());
        Assert.Equal(reference, payload.GetProperty("reference").GetString());
        Assert.Equal("alan@example.com", payload.GetProperty("guestEmail").GetString());
        Assert.Equal("Opera Grand Vienna", payload.GetProperty("hotelName").GetString());
        Assert.Equal("Deluxe King", payload.GetProperty("roomTypeName").GetString());
        Assert.Equal(2, payload.GetProperty("nights").GetInt32());
        Assert.Equal(438m, payload.GetProperty("totalAmount").GetDecimal());
        Assert.Equal("Plans changed", payload.GetProperty("reason").GetString());
        Assert.True(payload.GetProperty("cancelledAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(2, payload.GetProperty("version").GetInt32()); // version 2: who cancelled
        Assert.Equal("guest", payload.GetProperty("cancelledBy").GetString());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("reasonCode").ValueKind);

        // Again: the same answer, no second release, no second event.
        using var again = await _app.Client.PostAsJsonAsync($"/api/bookings/{reference}/cancel", new { email = "alan@example.com" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, (await _app.OutboxAsync(id.ToString())).Count);
        Assert.Equal(0L, await _app.ScalarAsync<long>("SELECT sum(booked) FROM room_nights WHERE room_type_id = 'vie-opera-deluxe'"));
    }

    [Fact]
    public async Task Concurrent_cancels_of_one_booking_release_its_nights_once()
    {
        var checkIn = BookingApp.Day(40);
        var placed = await _app.PlaceAsync(BookingApp.NewBooking("ber-mitte", "ber-mitte-double", checkIn, checkIn.AddDays(3)));
        await _app.PlaceAsync(BookingApp.NewBooking("ber-mitte", "ber-mitte-double", checkIn, checkIn.AddDays(3)));
        var reference = placed.GetProperty("reference").GetString()!;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await _app.Client.PostAsJsonAsync($"/api/bookings/{reference}/cancel", new { email = "ada@example.com" });
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(3L, await _app.ScalarAsync<long>("SELECT sum(booked) FROM room_nights WHERE room_type_id = 'ber-mitte-double'"));
        Assert.Equal(1L, await _app.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'BookingCancelled'"));
    }

    [Fact]
    public async Task Cancelling_with_another_email_is_not_found_and_changes_nothing()
    {
        var placed = await _app.PlaceAsync(BookingApp.NewBooking("lis-alfama", "lis-alfama-twin", BookingApp.Day(8), BookingApp.Day(9)));
        var reference = placed.GetProperty("reference").GetString()!;
        var outboxBefore = await _app.CountAsync("outbox");

        using var wrongEmail = await _app.Client.PostAsJsonAsync($"/api/bookings/{reference}/cancel", new { email = "mallory@example.com" });
        using var unknown = await _app.Client.PostAsJsonAsync("/api/bookings/HTL-ZZZZZZ/cancel", new { email = "ada@example.com" });
        using var noEmail = await _app.Client.PostAsJsonAsync($"/api/bookings/{reference}/cancel", new { reason = "no e-mail" });

        Assert.Equal(HttpStatusCode.NotFound, wrongEmail.StatusCode);
        Assert.Equal("application/problem+json", wrongEmail.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noEmail.StatusCode);
        Assert.Equal("application/problem+json", noEmail.Content.Headers.ContentType?.MediaType);
        Assert.Equal(outboxBefore, await _app.CountAsync("outbox"));
        Assert.Equal("Placed", await _app.ScalarAsync<string>("SELECT status FROM bookings WHERE reference = $1", reference));
        Assert.Equal(9, await _app.RoomsLeftAsync("lis-alfama", "lis-alfama-twin", BookingApp.Day(8), BookingApp.Day(9)));
    }
}
