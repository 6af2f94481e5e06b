namespace Hotel.Notifications.Tests;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>The e-mail API hands guests' addresses and references to callers with an API key only.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class ReadApiAccessTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    [Fact]
    public async Task The_email_list_is_refused_without_a_key_and_with_a_wrong_one_and_answered_with_a_right_one()
    {
        // A failed payment: one mail (a captured one would send two, the confirmation and the receipt).
        var bookingId = Guid.NewGuid();
        await Events.BookingPlacedAsync(bookingId, "HTL-KEYED1", "Kim Keyed", "kim.keyed@example.com");
        await Events.PaymentFailedAsync(bookingId, "HTL-KEYED1");
        await Eventually.WaitAsync(() => Notifications.EmailsAsync("HTL-KEYED1"),
            e => e.Count == 1 && e[0].GetProperty("status").GetString() == "Sent", TimeSpan.FromSeconds(20), "the payment-failed mail sent");

        foreach (var path in new[] { "/api/emails?status=Sent", "/api/emails?bookingReference=HTL-KEYED1" })
        {
            foreach (var credential in new (string Header, string Value)?[]
                     {
                         null, ("X-Api-Key", "not-the-key"), ("Authorization", "Bearer not-the-key"), ("X-Api-Key", NotificationsApp.CareKey + "x"),
                     })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (credential is { } c) request.Headers.TryAddWithoutValidation(c.Header, c.Value);
                using var response = await Notifications.Client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} with {credential?.Header ?? "nothing"}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain("kim.keyed@example.com", await response.Content.ReadAsStringAsync());
            }
        }

        // Each configured caller with its own key, in either header.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/emails?status=Sent"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotificationsApp.OperatorKey);
            using var response = await Notifications.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var entries = await response.Content.ReadFromJsonAsync<List<JsonElement>>();
            Assert.Equal("kim.keyed@example.com", Assert.Single(entries!).GetProperty("to").GetString());
        }
        var byCare = await Notifications.Caller.GetFromJsonAsync<List<JsonElement>>("/api/emails?bookingReference=htl-keyed1");
        Assert.Equal("HTL-KEYED1", Assert.Single(byCare!).GetProperty("bookingReference").GetString());
    }

    [Fact]
    public async Task A_stranger_learns_no_guest_from_the_email_list_and_cannot_cancel_with_a_guessed_email()
    {
        var booking = await BookingAsync();
        var placed = await booking.PlaceAsync("Vic Victim", "vic.victim@example.com");
        await Eventually.WaitAsync(() => Notifications.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE reference = $1", placed.Reference),
            n => n == 1, TimeSpan.FromSeconds(30), "the booking in notifications' view");

        // Step 1 of the attack, the list of every guest's address and reference, is closed to strangers.
        using (var list = await Notifications.Client.GetAsync($"/api/emails?bookingReference={placed.Reference}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
            Assert.DoesNotContain("vic.victim@example.com", await list.Content.ReadAsStringAsync());
        }

        // Step 2 without the address: a cancel with any other e-mail is refused and changes nothing.
        using (var cancel = await booking.Client.PostAsJsonAsync($"/api/bookings/{placed.Reference}/cancel",
                   new { email = "attacker@example.com", reason = "call +1-555-0100 to rebook" }))
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        var view = await booking.Client.GetFromJsonAsync<JsonElement>($"/api/bookings/{placed.Reference}?email={Uri.EscapeDataString(placed.GuestEmail)}");
        Assert.NotEqual("Cancelled", view.GetProperty("status").GetString());
        Assert.DoesNotContain(await Notifications.EmailsAsync(placed.Reference), e => e.GetProperty("kind").GetString() == "Cancellation");
    }
}
