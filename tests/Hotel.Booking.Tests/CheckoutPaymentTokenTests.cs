namespace Hotel.Booking.Tests;

using System.Net;
using System.Text.RegularExpressions;
using Hotel.Testing;

/// <summary>The website's checkout, like the API, books only with a payment token billing issued for the draft's guest.</summary>
[Collection(BookingCollection.Name)]
public sealed partial class CheckoutPaymentTokenTests(InfraFixture infra)
{
    [Fact]
    public async Task Completing_a_checkout_with_another_guests_forged_or_made_up_token_is_a_422_and_books_nothing_while_the_guests_own_token_books()
    {
        const string email = "ada@example.com";
        await using var app = await BookingApp.StartAsync(infra);
        var checkIn = BookingApp.Day(60);
        var checkOut = BookingApp.Day(62);
        var bookUrl = $"/book?hotelId=ber-mitte&roomTypeId=ber-mitte-double&checkIn={checkIn:yyyy-MM-dd}&checkOut={checkOut:yyyy-MM-dd}&guests=2";
        var form = await app.Client.GetStringAsync(bookUrl); // the client keeps cookies and follows redirects, like a browser
        using var details = await app.Client.PostAsync(bookUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["HotelId"] = "ber-mitte",
            ["RoomTypeId"] = "ber-mitte-double",
            ["CheckIn"] = $"{checkIn:yyyy-MM-dd}",
            ["CheckOut"] = $"{checkOut:yyyy-MM-dd}",
            ["Guests"] = "2",
            ["GuestName"] = "Ada Lovelace",
            ["GuestEmail"] = email,
            ["__RequestVerificationToken"] = AntiforgeryTokenPattern().Match(form).Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.OK, details.StatusCode);
        var checkout = details.RequestMessage!.RequestUri!.AbsolutePath; // /checkout/{draft id}, where the card form is
        Assert.StartsWith("/checkout/", checkout);

        foreach (var token in new[]
                 {
                     TestPaymentTokens.For("eve@example.com"), // billing's, for another guest
                     TestPaymentTokens.For(email, key: "someone-else's-key-0123456789abcdef-xyz"), // forged
                     "pm_4242424242424242", // made up
                 })
        {
            using var refused = await CompleteAsync(app, checkout, token);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("id=\"invalid-payment-method\"", await refused.Content.ReadAsStringAsync());
            Assert.Equal(0L, await app.CountAsync("bookings"));
            Assert.Equal(0L, await app.CountAsync("outbox"));
            Assert.Equal(0L, await app.ScalarAsync<long>("SELECT coalesce(sum(booked), 0)::bigint FROM room_nights"));
        }

        // The draft is still the guest's to complete with a card of their own.
        using var placed = await CompleteAsync(app, checkout, TestPaymentTokens.For(email));
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        Assert.StartsWith("/bookings/HTL-", placed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(1L, await app.CountAsync("bookings"));
    }

    /// <summary>What billing's page posts back: the token in a form field, never in the URL.</summary>
    private static Task<HttpResponseMessage> CompleteAsync(BookingApp app, string checkout, string token) =>
        app.Client.PostAsync($"{checkout}/complete", new FormUrlEncodedContent(new Dictionary<string, string> { ["paymentMethodId"] = token }));

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryTokenPattern();
}
