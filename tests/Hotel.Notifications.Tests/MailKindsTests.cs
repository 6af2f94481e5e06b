namespace Hotel.Notifications.Tests;

using System.Text.Json;
using Hotel.Testing;
using MimeKit;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using Xunit.Abstractions;

/// <summary>Each kind of mail end to end: a booking placed (or cancelled) through the booking API, billing's events on payment.events.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class MailKindsTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    [Fact]
    public async Task A_booking_placed_through_the_booking_API_is_confirmed_when_its_payment_is_captured_beside_the_receipt_and_EmailSent_follows()
    {
        var booking = await BookingAsync();
        await using var notificationsRelay = await RunningRelay.StartAsync(Notifications.ConnectionString, Kafka.BootstrapServers);
        var placed = await booking.PlaceAsync("Zoë Ångström", "zoe@example.com");
        await Eventually.WaitAsync(async () => await Notifications.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE booking_id = $1", placed.Id) == 1,
            TimeSpan.FromSeconds(30), "the booking in notifications' view");
        Assert.Empty(await Notifications.EmailsAsync(placed.Reference)); // placed, not paid: nothing to say yet
        var captured = await Events.PaymentCapturedAsync(placed.Id, placed.Reference);

        var mail = (await Smtp.WaitForAsync(placed.Reference, 2)).OfKind("Confirmation");
        var to = Assert.Single(mail.To.Mailboxes);
        Assert.Equal("zoe@example.com", to.Address);
        Assert.Equal("Zoë Ångström", to.Name);
        Assert.Contains(placed.Reference, mail.Subject);
        Assert.Contains("Canal House Amsterdam", mail.Subject);
        foreach (var body in new[] { mail.HtmlBody, mail.TextBody })
        {
            Assert.Contains("Dear Zoë Ångström,", body);
            Assert.Contains(placed.Reference, body);
            Assert.Contains("Canal House Amsterdam", body);
            Assert.Contains("Classic Double", body);
            Assert.Contains("EUR 447.00", body);
            Assert.Contains("Your payment has been received", body);
        }
        Assert.Contains("<td>3</td>", mail.HtmlBody); // nights
        Assert.Equal($"confirmation.{captured.Id:N}@notifications.hotel.local", mail.MessageId);

        var ledger = await Notifications.EmailsAsync(placed.Reference);
        Assert.Equal(["Confirmation", "Receipt"], ledger.Select(e => e.GetProperty("kind").GetString()).Order());
        var confirmation = ledger.Single(e => e.GetProperty("kind").GetString() == "Confirmation");
        Assert.Equal(captured.Id, confirmation.GetProperty("eventId").GetGuid());
        Assert.Equal(mail.MessageId, confirmation.GetProperty("messageId").GetString());
        await Eventually.WaitAsync(async () => (await Notifications.EmailsAsync(placed.Reference)).All(e => e.GetProperty("status").GetString() == "Sent"),
            TimeSpan.FromSeconds(30), "both mails marked sent");

        var sent = TopicReader.ReadUntil(Kafka.BootstrapServers, "email.events", m => m.Count >= 2, TimeSpan.FromSeconds(30));
        var message = sent.Single(m => JsonDocument.Parse(m.Value!).RootElement.GetProperty("kind").GetString() == "Confirmation");
        Assert.Equal(placed.Id.ToString(), message.Key);
        Assert.Equal("EmailSent", message.Header("eventType"));
        var payload = JsonDocument.Parse(message.Value!).RootElement;
        Assert.Equal(placed.Id, payload.GetProperty("bookingId").GetGuid());
        Assert.Equal(placed.Reference, payload.GetProperty("bookingReference").GetString());
        Assert.Equal("zoe@example.com", payload.GetProperty("to").GetString());
        Assert.Equal(1, payload.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task PaymentCaptured_sends_a_receipt_with_a_PDF_that_holds_the_reference_and_the_non_ASCII_name()
    {
        var booking = await BookingAsync();
        var placed = await booking.PlaceAsync("Łukasz Żółć-Müller", "lukasz@example.com");
        var captured = await Events.PaymentCapturedAsync(placed.Id, placed.Reference);

        var receipt = (await Smtp.WaitForAsync(placed.Reference, 2)).OfKind("Receipt");
        Assert.Equal("lukasz@example.com", Assert.Single(receipt.To.Mailboxes).Address);
        Assert.Equal($"Your receipt for booking {placed.Reference}", receipt.Subject);
        Assert.Equal($"receipt.{captured.Id:N}@notifications.hotel.local", receipt.MessageId);
        foreach (var body in new[] { receipt.HtmlBody, receipt.TextBody })
        {
            Assert.Contains("Dear Łukasz Żółć-Müller,", body);
            Assert.Contains("EUR 447.00", body);
            Assert.Contains("Visa ending in 4242", body);
        }

        var attachment = Assert.Single(receipt.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        Assert.Equal($"receipt-{placed.Reference}.pdf", attachment.FileName);
        using var pdfBytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(pdfBytes);
        using var pdf = PdfDocument.Open(pdfBytes.ToArray());
        var text = ContentOrderTextExtractor.GetText(pdf.GetPage(1));
        Output.WriteLine(text);
        Assert.Contains(placed.Reference, text);
        Assert.Contains("Łukasz Żółć-Müller", text);
        Assert.Contains("EUR 447.00", text);
    }

    [Theory]
    [InlineData("PaymentFailed", "payment_failed")]
    [InlineData("PaymentHeld", "payment_held")]
    public async Task A_failed_or_held_payment_gets_its_one_mail_and_the_hotels_release_of_the_booking_sends_no_other(string outcome, string reasonCode)
    {
        var booking = await BookingAsync();
        var placed = await booking.PlaceAsync("Grace Hopper", "grace@example.com");
        if (outcome == "PaymentFailed") await Events.PaymentFailedAsync(placed.Id, placed.Reference);
        else await Events.PaymentHeldAsync(placed.Id, placed.Reference);

        var mail = Assert.Single(await Smtp.WaitForAsync(placed.Reference, 1));
        Assert.Equal("grace@example.com", Assert.Single(mail.To.Mailboxes).Address);
        if (outcome == "PaymentFailed")
        {
            Assert.Equal($"Action needed: payment failed for booking {placed.Reference}", mail.Subject);
            foreach (var body in new[] { mail.HtmlBody, mail.TextBody })
            {
                Assert.Contains("Your card was declined. (card_declined)", body);
                Assert.Contains("book again with another card", body);
                Assert.Contains("Nothing has been charged", body);
                Assert.Contains("EUR 447.00", body);
            }
        }
        else
        {
            Assert.Equal($"Your payment for booking {placed.Reference} is on hold", mail.Subject);
            foreach (var body in new[] { mail.HtmlBody, mail.TextBody })
            {
                Assert.Contains("The amount is under review.", body);
                Assert.Contains("Nothing has been charged", body);
            }
        }

        // The unpaid-booking sweep releases it: the view shows it cancelled, and that is all.
        await Events.BookingCancelledAsync(placed.Id, placed.Reference, placed.GuestName, placed.GuestEmail, "system", reasonCode);
        await Eventually.WaitAsync(async () => await Notifications.ScalarAsync<long>(
                "SELECT count(*) FROM bookings WHERE booking_id = $1 AND status = 'Cancelled'", placed.Id) == 1,
            TimeSpan.FromSeconds(30), "the cancellation applied");
        Assert.Equal([outcome], (await Notifications.EmailsAsync(placed.Reference)).Select(e => e.GetProperty("kind").GetString()));
        Assert.Single(Smtp.For(placed.Reference));
    }

    [Fact]
    public async Task A_cancellation_through_the_booking_API_is_mailed_and_the_refund_amount_follows_when_RefundIssued_arrives()
    {
        var booking = await BookingAsync();
        var placed = await booking.PlaceAsync("Ada Lovelace", "ada@example.com");
        await booking.CancelAsync(placed, "Plans changed");

        var cancellation = (await Smtp.WaitForAsync(placed.Reference, 1)).OfKind("Cancellation");
        Assert.Equal($"Booking cancelled: {placed.Reference}", cancellation.Subject);
        foreach (var body in new[] { cancellation.HtmlBody, cancellation.TextBody })
        {
            Assert.Contains("has been cancelled", body);
            Assert.Contains("Reason given: Plans changed", body);
        }

        await Events.RefundIssuedAsync(placed.Id, placed.Reference, 447m);
        var refund = (await Smtp.WaitForAsync(placed.Reference, 2)).OfKind("Refund");
        Assert.Equal($"Refund issued for booking {placed.Reference}", refund.Subject);
        Assert.Contains("We have refunded <strong>EUR 447.00</strong>", refund.HtmlBody);
        Assert.Contains("We have refunded EUR 447.00", refund.TextBody);

        var kinds = (await Notifications.EmailsAsync(placed.Reference)).Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["Cancellation", "Refund"], kinds); // never paid, so never confirmed
    }

    [Fact]
    public async Task A_guest_name_with_a_script_tag_arrives_HTML_encoded()
    {
        var booking = await BookingAsync();
        const string name = "<script>alert('x')</script> Mallory & \"Co\"";
        var placed = await booking.PlaceAsync(name, "mallory@example.com");
        await Events.PaymentCapturedAsync(placed.Id, placed.Reference);

        var mails = await Smtp.WaitForAsync(placed.Reference, 2);
        foreach (var mail in mails)
        {
            Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Mallory &amp; &quot;Co&quot;", mail.HtmlBody);
            Assert.Contains("Dear " + name + ",", mail.TextBody); // plain text is shown as text, not markup
            Assert.Equal(name, Assert.Single(mail.To.Mailboxes).Name);
        }
    }
}
