namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;

[Collection(BookingCollection.Name)]
public sealed class HotelsApiTests(InfraFixture infra) : IAsyncLifetime
{
    private BookingApp _app = null!;

    public async Task InitializeAsync() => _app = await BookingApp.StartAsync(infra);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Lists_the_seeded_chain_with_room_types()
    {
        var hotels = await _app.Client.GetFromJsonAsync<JsonElement>("/api/hotels");

        Assert.Equal(["ams-canal", "ber-mitte", "lis-alfama", "vie-opera"],
            hotels.EnumerateArray().Select(h => h.GetProperty("id").GetString()).Order());
        var vienna = hotels.EnumerateArray().Single(h => h.GetProperty("id").GetString() == "vie-opera");
        Assert.Equal("Opera Grand Vienna", vienna.GetProperty("name").GetString());
        Assert.Equal("Vienna", vienna.GetProperty("city").GetString());
        var suite = vienna.GetProperty("roomTypes").EnumerateArray().Single(rt => rt.GetProperty("id").GetString() == "vie-opera-suite");
        Assert.Equal("Imperial Suite", suite.GetProperty("name").GetString());
        Assert.Equal(549m, suite.GetProperty("nightlyRate").GetDecimal());
        Assert.Equal("EUR", suite.GetProperty("currency").GetString());
        Assert.Equal(1, suite.GetProperty("rooms").GetInt32());
        Assert.All(hotels.EnumerateArray(), h => Assert.InRange(h.GetProperty("roomTypes").GetArrayLength(), 2, 3));
    }

    [Fact]
    public async Task Availability_is_the_least_free_over_the_nights_of_the_stay()
    {
        // Rooftop Loft has 2 rooms: nights 10 and 11 lose one each, night 11 a second one.
        await _app.PlaceAsync(BookingApp.NewBooking("lis-alfama", "lis-alfama-loft", BookingApp.Day(10), BookingApp.Day(12)));
        await _app.PlaceAsync(BookingApp.NewBooking("lis-alfama", "lis-alfama-loft", BookingApp.Day(11), BookingApp.Day(12)));

        Assert.Equal(0, await _app.RoomsLeftAsync("lis-alfama", "lis-alfama-loft", BookingApp.Day(9), BookingApp.Day(13)));
        Assert.Equal(1, await _app.RoomsLeftAsync("lis-alfama", "lis-alfama-loft", BookingApp.Day(9), BookingApp.Day(11)));
        Assert.Equal(2, await _app.RoomsLeftAsync("lis-alfama", "lis-alfama-loft", BookingApp.Day(12), BookingApp.Day(14)));
        Assert.Equal(10, await _app.RoomsLeftAsync("lis-alfama", "lis-alfama-twin", BookingApp.Day(9), BookingApp.Day(13)));

        var availability = await _app.Client.GetFromJsonAsync<JsonElement>(
            $"/api/hotels/lis-alfama/availability?checkIn={BookingApp.Day(9):yyyy-MM-dd}&checkOut={BookingApp.Day(13):yyyy-MM-dd}");
        Assert.Equal(4, availability.GetProperty("nights").GetInt32());
        var twin = availability.GetProperty("roomTypes").EnumerateArray().Single(rt => rt.GetProperty("roomTypeId").GetString() == "lis-alfama-twin");
        Assert.Equal(4 * 119m, twin.GetProperty("totalAmount").GetDecimal());
    }

    [Theory]
    [InlineData("/api/hotels/nowhere/availability?checkIn={0}&checkOut={1}", HttpStatusCode.NotFound)]
    [InlineData("/api/hotels/vie-opera/availability?checkIn={1}&checkOut={0}", HttpStatusCode.BadRequest)]
    [InlineData("/api/hotels/vie-opera/availability?checkIn={0}&checkOut={0}", HttpStatusCode.BadRequest)]
    [InlineData("/api/hotels/vie-opera/availability?checkIn=2026-02-31&checkOut={1}", HttpStatusCode.BadRequest)]
    [InlineData("/api/hotels/vie-opera/availability?checkIn={0}", HttpStatusCode.BadRequest)]
    [InlineData("/api/hotels/vie-opera/availability?checkIn={0}&checkOut={2}", HttpStatusCode.BadRequest)]
    public async Task Availability_rejects_bad_queries_with_a_problem(string urlFormat, HttpStatusCode expected)
    {
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, urlFormat,
            BookingApp.Day(5).ToString("yyyy-MM-dd"), BookingApp.Day(7).ToString("yyyy-MM-dd"), BookingApp.Day(40).ToString("yyyy-MM-dd"));

        using var response = await _app.Client.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Is_ready_when_its_database_answers()
    {
        using var response = await _app.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serves_the_OpenAPI_document()
    {
        var document = await _app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/bookings", out _));
        Assert.True(paths.TryGetProperty("/api/bookings/{reference}/cancel", out _));
        Assert.True(paths.TryGetProperty("/api/hotels/{hotelId}/availability", out _));
    }
}
