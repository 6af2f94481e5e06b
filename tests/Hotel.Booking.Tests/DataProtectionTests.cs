namespace Hotel.Booking.Tests;

using System.Net;
using System.Text.RegularExpressions;
using Hotel.Testing;

[Collection(BookingCollection.Name)]
public sealed partial class DataProtectionTests(InfraFixture infra)
{
    [Fact]
    public async Task A_form_rendered_before_a_restart_is_accepted_after_it_because_the_keys_are_in_the_database()
    {
        var bookUrl = $"/book?hotelId=ber-mitte&roomTypeId=ber-mitte-double&checkIn={BookingApp.Day(90):yyyy-MM-dd}&checkOut={BookingApp.Day(91):yyyy-MM-dd}&guests=1";
        string token, cookie, database;
        await using (var first = await BookingApp.StartAsync(infra))
        {
            using var form = await first.Client.GetAsync(bookUrl);
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            token = TokenPattern().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
            cookie = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
            database = first.ConnectionString;
            Assert.True(await first.CountAsync("data_protection_keys") >= 1, "no DataProtection key in booking's database");
        }

        await using var second = BookingApp.StartOn(database);
        using var post = new HttpRequestMessage(HttpMethod.Post, bookUrl)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["HotelId"] = "ber-mitte",
                ["RoomTypeId"] = "ber-mitte-double",
                ["CheckIn"] = $"{BookingApp.Day(90):yyyy-MM-dd}",
                ["CheckOut"] = $"{BookingApp.Day(91):yyyy-MM-dd}",
                ["Guests"] = "1",
                ["GuestName"] = "Ada Lovelace",
                ["GuestEmail"] = "ada@example.com",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            }),
        };
        post.Headers.Add("Cookie", cookie);
        using var response = await second.Client.SendAsync(post);
        Assert.NotEqual(HttpStatusCode.BadRequest, response.StatusCode); // the antiforgery pair still verifies
        Assert.Equal(1L, await second.CountAsync("checkout_drafts"));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
