namespace Hotel.Notifications.Tests;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>Out-of-order events, SMTP replies (4xx retried, 5xx failed and visible) and the resend endpoint.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class DeliveryTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    [Fact]
    public async Task A_receipt_that_arrives_before_its_booking_waits_in_the_database_and_is_sent_with_the_right_name_once_the_booking_arrives()
    {
        var booking = await BookingAsync(relay: false); // booking's events stay in its outbox for now
        var placed = await booking.PlaceAsync("Åsa Nyström", "asa@example.com");
        await Events.PaymentCapturedAsync(placed.Id, placed.Reference);

        var waiting = await Eventually.WaitAsync(() => Notifications.EmailsAsync(placed.Reference), e => e.Count == 2,
            TimeSpan.FromSeconds(30), "the confirmation and the receipt in the ledger");
        Assert.Equal(["Confirmation", "Receipt"], waiting.Select(e => e.GetProperty("kind").GetString()).Order());
        Assert.All(waiting, e => Assert.Equal("AwaitingBooking", e.GetProperty("status").GetString()));
        Assert.All(waiting, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("to").ValueKind));
        Assert.Equal(0, Smtp.Count());

        await booking.StartRelayAsync(); // BookingPlaced reaches notifications now
        var mails = await Smtp.WaitForAsync(placed.Reference, 2);
        var receipt = mails.OfKind("Receipt");
        Assert.Equal("asa@example.com", Assert.Single(receipt.To.Mailboxes).Address);
        Assert.Equal("Åsa Nyström", Assert.Single(receipt.To.Mailboxes).Name);
        Assert.Contains("Dear Åsa Nyström,", receipt.HtmlBody);
        mails.OfKind("Confirmation");
        var ledger = await Eventually.WaitAsync(() => Notifications.EmailsAsync(placed.Reference),
            e => e.All(x => x.GetProperty("status").GetString() == "Sent"), TimeSpan.FromSeconds(10), "both entries sent");
        Assert.Equal(2, ledger.Count);
        Assert.Equal(2, Smtp.Count());
    }

    [Fact]
    public async Task A_4xx_reply_is_retried_until_accepted_a_5xx_reply_is_recorded_as_failed_and_visible()
    {
        // Each booking's one mail: its payment failed.
        var ok = await Events.BookingPlacedAsync(Guid.NewGuid(), "HTL-OKOKOK", "Ok Guest", "ok@example.com");
        var later = await Events.BookingPlacedAsync(Guid.NewGuid(), "HTL-LATER2", "Later Guest", "tempfail@example.com");
        var never = await Events.BookingPlacedAsync(Guid.NewGuid(), "HTL-NEVER2", "Never Guest", "reject@example.com");
        await Events.PaymentFailedAsync(Guid.Parse(ok.Key), "HTL-OKOKOK");
        await Events.PaymentFailedAsync(Guid.Parse(later.Key), "HTL-LATER2");
        await Events.PaymentFailedAsync(Guid.Parse(never.Key), "HTL-NEVER2");

        await Smtp.WaitForAsync("HTL-OKOKOK", 1);
        await Smtp.WaitForAsync("HTL-LATER2", 1);
        var retried = (await Eventually.WaitAsync(() => Notifications.EmailsAsync("HTL-LATER2"),
            e => e.Count == 1 && e[0].GetProperty("status").GetString() == "Sent", TimeSpan.FromSeconds(10), "the retried mail marked sent"))[0];
        Assert.Equal(3, retried.GetProperty("attempts").GetInt32()); // 451, 451, accepted

        var failed = await Eventually.WaitAsync(() => Notifications.EmailsAsync("HTL-NEVER2"),
            e => e.Count == 1 && e[0].GetProperty("status").GetString() == "Failed", TimeSpan.FromSeconds(20), "the refused mail recorded as failed");
        Assert.Contains("550", failed[0].GetProperty("lastError").GetString());
        Assert.Equal(1, failed[0].GetProperty("attempts").GetInt32());
        var allFailed = await Notifications.Caller.GetFromJsonAsync<List<JsonElement>>("/api/emails?status=Failed");
        Assert.Equal("HTL-NEVER2", Assert.Single(allFailed!).GetProperty("bookingReference").GetString());
        Assert.Empty(Smtp.For("HTL-NEVER2"));
        Assert.Equal(2, Smtp.Count());
        Assert.NotEqual(ok.Id, later.Id);
        Assert.NotEqual(never.Id, later.Id);
    }

    [Fact]
    public async Task A_booking_whose_payment_was_never_captured_has_no_confirmation_to_send_again()
    {
        var bookingId = Guid.NewGuid();
        await Events.BookingPlacedAsync(bookingId, "HTL-UNPAID", "Una Unpaid", "una@example.com");
        await Eventually.WaitAsync(() => Notifications.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE reference = 'HTL-UNPAID'"),
            n => n == 1, TimeSpan.FromSeconds(20), "the booking in notifications' view");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/emails/resend") { Content = JsonContent.Create(new { bookingReference = "HTL-UNPAID" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotificationsApp.CareKey);
        using var response = await Notifications.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0L, await Notifications.ScalarAsync<long>("SELECT count(*) FROM emails WHERE booking_reference = 'HTL-UNPAID'"));
    }

    [Fact]
    public async Task Resend_needs_an_api_key_and_sends_a_new_confirmation_recorded_as_a_resend()
    {
        var bookingId = Guid.NewGuid();
        await Events.BookingPlacedAsync(bookingId, "HTL-RESEND", "Rita Resend", "rita@example.com");
        await Events.PaymentCapturedAsync(bookingId, "HTL-RESEND");
        var original = (await Smtp.WaitForAsync("HTL-RESEND", 2)).OfKind("Confirmation");

        var body = new { bookingReference = "htl-resend" };
        using (var anonymous = await Notifications.Client.PostAsJsonAsync("/api/emails/resend", body))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/emails/resend") { Content = JsonContent.Create(body) })
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");
            using var response = await Notifications.Client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/emails/resend") { Content = JsonContent.Create(new { bookingReference = "HTL-NOSUCH" }) })
        {
            unknown.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotificationsApp.CareKey);
            using var response = await Notifications.Client.SendAsync(unknown);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Equal(2, (await Notifications.EmailsAsync("HTL-RESEND")).Count);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/emails/resend") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotificationsApp.CareKey);
        using var accepted = await Notifications.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var mails = await Smtp.WaitForAsync("HTL-RESEND", 3);
        var copy = mails.Single(m => m.Subject?.StartsWith("[Copy]", StringComparison.Ordinal) == true);
        Assert.StartsWith("[Copy] Booking confirmed", copy.Subject);
        Assert.Equal("rita@example.com", Assert.Single(copy.To.Mailboxes).Address);

        var ledger = (await Eventually.WaitAsync(() => Notifications.EmailsAsync("HTL-RESEND"),
            e => e.Count == 3 && e.All(x => x.GetProperty("status").GetString() == "Sent"), TimeSpan.FromSeconds(10), "every entry sent"))
            .Where(e => e.GetProperty("kind").GetString() == "Confirmation").ToList();
        Assert.Equal(2, ledger.Count);
        Assert.NotEqual(original.MessageId, copy.MessageId);
        Assert.False(ledger[0].GetProperty("resend").GetBoolean());
        Assert.True(ledger[1].GetProperty("resend").GetBoolean());
        Assert.Equal(ledger[0].GetProperty("id").GetGuid(), ledger[1].GetProperty("resendOf").GetGuid());
        Assert.All(ledger, e => Assert.Equal("Confirmation", e.GetProperty("kind").GetString()));
    }
}
