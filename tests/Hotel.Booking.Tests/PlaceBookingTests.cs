namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;

[Collection(BookingCollection.Name)]
public sealed class PlaceBookingTests(InfraFixture infra) : IAsyncLifetime
{
    private BookingApp _app = null!;

    public async Task InitializeAsync() => _app = await BookingApp.StartAsync(infra);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_booking_writes_its_row_its_nights_and_one_BookingPlaced_outbox_event()
    {
        var checkIn = BookingApp.Day(20);
        var checkOut = BookingApp.Day(23);

        using var response = await _app.Client.PostAsJsonAsync("/api/bookings",
            BookingApp.NewBooking("ams-canal", "ams-canal-double", checkIn, checkOut, email: "Ada@Example.com"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = booking.GetProperty("id").GetGuid();
        var reference = booking.GetProperty("reference").GetString()!;
        Assert.Matches("^HTL-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$", reference);
        Assert.Equal("Placed", booking.GetProperty("status").GetString());
        Assert.Equal(3 * 149m, booking.GetProperty("totalAmount").GetDecimal());
        Assert.Equal("EUR", booking.GetProperty("currency").GetString());
        Assert.Equal($"/api/bookings/{reference}", response.Headers.Location?.OriginalString);

        Assert.Equal(1, await _app.CountAsync("bookings"));
        Assert.Equal(3L, await _app.ScalarAsync<long>(
            "SELECT count(*) FROM room_nights WHERE room_type_id = 'ams-canal-double' AND booked = 1 AND total = 12 AND night >= $1 AND night < $2", checkIn, checkOut));
        Assert.Equal(3L, await _app.ScalarAsync<long>("SELECT sum(booked) FROM room_nights"));

        Assert.Equal(1, await _app.CountAsync("outbox"));
        var evt = Assert.Single(await _app.OutboxAsync(id.ToString()));
        Assert.Equal("booking", evt.AggregateType);
        Assert.Equal("BookingPlaced", evt.Type);
        var payload = evt.Payload;
        Assert.Equal(id, payload.GetProperty("bookingId").GetGuid());
        Assert.Equal(reference, payload.GetProperty("reference").GetString());
        Assert.Equal("Ada Lovelace", payload.GetProperty("guestName").GetString());
        Assert.Equal("Ada@Example.com", payload.GetProperty("guestEmail").GetString());
        Assert.Equal("ams-canal", payload.GetProperty("hotelId").GetString());
        Assert.Equal("Canal House Amsterdam", payload.GetProperty("hotelName").GetString());
        Assert.Equal("ams-canal-double", payload.GetProperty("roomTypeId").GetString());
        Assert.Equal("Classic Double", payload.GetProperty("roomTypeName").GetString());
        Assert.Equal(checkIn.ToString("yyyy-MM-dd"), payload.GetProperty("checkIn").GetString());
        Assert.Equal(checkOut.ToString("yyyy-MM-dd"), payload.GetProperty("checkOut").GetString());
        Assert.Equal(3, payload.GetProperty("nights").GetInt32());
        Assert.Equal(447m, payload.GetProperty("totalAmount").GetDecimal());
        Assert.Equal("EUR", payload.GetProperty("currency").GetString());
        Assert.StartsWith("pm_test_", payload.GetProperty("paymentMethodId").GetString());
        Assert.Equal(1, payload.GetProperty("version").GetInt32());
        Assert.True(payload.TryGetProperty("occurredAt", out _));
        Assert.False(payload.TryGetProperty("id", out _)); // the event id travels as the outbox row id
    }

    [Fact]
    public async Task A_booking_is_found_by_reference_only_with_its_guests_email()
    {
        var placed = await _app.PlaceAsync(BookingApp.NewBooking("ber-mitte", "ber-mitte-single", BookingApp.Day(3), BookingApp.Day(4), email: "grace@example.com"));
        var reference = placed.GetProperty("reference").GetString()!;

        var found = await _app.Client.GetFromJsonAsync<JsonElement>($"/api/bookings/{reference.ToLowerInvariant()}?email=GRACE@example.com");
        Assert.Equal(placed.GetProperty("id").GetGuid(), found.GetProperty("id").GetGuid());
        Assert.Equal("Placed", found.GetProperty("status").GetString());
        Assert.Equal("grace@example.com", found.GetProperty("guest").GetProperty("email").GetString());

        foreach (var url in new[] { $"/api/bookings/{reference}?email=someone@example.com", "/api/bookings/HTL-2222222?email=grace@example.com" })
        {
            using var response = await _app.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var withoutEmail = await _app.Client.GetAsync($"/api/bookings/{reference}");
        Assert.Equal(HttpStatusCode.BadRequest, withoutEmail.StatusCode);
        Assert.Equal("application/problem+json", withoutEmail.Content.Headers.ContentType?.MediaType);
    }
}
