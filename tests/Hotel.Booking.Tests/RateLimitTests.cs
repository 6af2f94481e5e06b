namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;

/// <summary>Booking submissions are rate-limited per client (limits from configuration), with 429 and Retry-After; forms need antiforgery.</summary>
[Collection(BookingCollection.Name)]
public sealed class RateLimitTests(InfraFixture infra)
{
    [Fact]
    public async Task The_booking_api_and_the_website_answer_429_with_Retry_After_past_their_limits_and_forms_need_an_antiforgery_token()
    {
        await using var app = await BookingApp.StartAsync(infra, new Dictionary<string, string?>
        {
            ["RateLimiting:Api:PermitLimit"] = "2",
            ["RateLimiting:Api:Window"] = "00:01:00",
            ["RateLimiting:Website:PermitLimit"] = "2",
            ["RateLimiting:Website:Window"] = "00:01:00",
        });
        var booking = BookingApp.NewBooking("ber-mitte", "ber-mitte-double", BookingApp.Day(80), BookingApp.Day(81));
        await app.PlaceAsync(booking);
        await app.PlaceAsync(booking);
        using var refused = await app.Client.PostAsJsonAsync("/api/bookings", booking);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        Assert.Equal(2L, await app.CountAsync("bookings"));

        // Reading is not limited.
        using (var read = await app.Client.GetAsync("/api/hotels")) Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        // Website: a form post without the antiforgery token is refused (and counts), then the limit.
        var bookUrl = $"/book?hotelId=ber-mitte&roomTypeId=ber-mitte-double&checkIn={BookingApp.Day(80):yyyy-MM-dd}&checkOut={BookingApp.Day(81):yyyy-MM-dd}&guests=1";
        using (var forged = await app.Client.PostAsync(bookUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["HotelId"] = "ber-mitte",
            ["RoomTypeId"] = "ber-mitte-double",
            ["CheckIn"] = $"{BookingApp.Day(80):yyyy-MM-dd}",
            ["CheckOut"] = $"{BookingApp.Day(81):yyyy-MM-dd}",
            ["Guests"] = "1",
            ["GuestName"] = "Mallory",
            ["GuestEmail"] = "mallory@example.com",
        })))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0L, await app.CountAsync("checkout_drafts"));
        using (var form = await app.Client.GetAsync(bookUrl))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            Assert.Contains("__RequestVerificationToken", await form.Content.ReadAsStringAsync());
        }
        using var limited = await app.Client.GetAsync(bookUrl);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Contains("try again in", await limited.Content.ReadAsStringAsync());
    }
}
