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
    public async Task A_booking_placed_through_the_booking_API_gets_one_confirmation_and_an_EmailSent_event()
    {
        var booking = await BookingAsync();
        await using var notificationsRelay = await RunningRelay.StartAsync(Notifications.ConnectionString, Kafka.BootstrapServers);
        var placed = await booking.PlaceAsync("Zoë Ångström", "zoe@example.com");

        var mail = (await Smtp.WaitForAsync(placed.Reference, 1)).OfKind("Confirmation");
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
        }
        Assert.Contains("<td>3</td>", mail.HtmlBody); // nights
        var eventId = await booking.EventIdAsync(placed.Id, "BookingPlaced");
        Assert.Equal($"confirmation.{eventId:N}@notifications.hotel.local", mail.MessageId);

        var ledger = Assert.Single(await Notifications.EmailsAsync(placed.Reference));
        Assert.Equal("Confirmation", ledger.GetProperty("kind").GetString());
        Assert.Equal("Sent", ledger.GetProperty("status").GetString());
        Assert.Equal(eventId, ledger.GetProperty("eventId").GetGuid());
        Assert.Equal(mail.MessageId, ledger.GetProperty("messageId").GetString());

        var sent = TopicReader.ReadUntil(Kafka.BootstrapServers, "email.events", m => m.Count >= 1, TimeSpan.FromSeconds(30));
        var message = Assert.Single(sent);
        Assert.Equal(placed.Id.ToString(), message.Key);
        Assert.Equal("EmailSent", message.Header("eventType"));
        var payload = JsonDocument.Parse(message.Value!).RootElement;
        Assert.Equal(placed.Id, payload.GetProperty("bookingId").GetGuid());
        Assert.Equal(placed.Reference, payload.GetProperty("bookingReference").GetString());
        Assert.Equal("Confirmation", payload.GetProperty("kind").GetString());
        Assert.Equal("zoe@example.com", payload.GetProperty("to").GetString());
        Assert.Equal(ledger.GetProperty("sentAt").GetDateTimeOffset(), payload.GetProperty("sentAt").GetDateTimeOffset());
        Assert.Equal(1, payload.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task PaymentCaptured_sends_a_receipt_with_a_PDF_that_holds_the_reference_and_the_non_ASCII_name()
    {
        var booking = await BookingAsync();
        var placed = await booking.PlaceAsync("Łukasz Żółć-Müller", "lukasz@example.com");
        await Smtp.WaitForAsync(placed.Reference, 1);
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

    [Fact]
    public async Task PaymentFailed_and_PaymentHeld_tell_the_guest_what_to_do()
    {
        var booking = await BookingAsync();
        var placed = await booking.PlaceAsync("Grace Hopper", "grace@example.com");
        await Events.PaymentFailedAsync(placed.Id, placed.Reference);
        await Events.PaymentHeldAsync(placed.Id, placed.Reference);

        var mails = await Smtp.WaitForAsync(placed.Reference, 3);
        var failed = mails.OfKind("PaymentFailed");
        Assert.Equal($"Action needed: payment failed for booking {placed.Reference}", failed.Subject);
        foreach (var body in new[] { failed.HtmlBody, failed.TextBody })
        {
            Assert.Contains("Your card was declined. (card_declined)", body);
            Assert.Contains("use another card", body);
            Assert.Contains("EUR 447.00", body);
        }
        var held = mails.OfKind("PaymentHeld");
        Assert.Equal($"Your payment for booking {placed.Reference} is on hold", held.Subject);
        foreach (var body in new[] { held.HtmlBody, held.TextBody })
        {
            Assert.Contains("The amount is under review.", body);
            Assert.Contains("Your room stays reserved", body);
        }
        Assert.Equal("grace@example.com", Assert.Single(held.To.Mailboxes).Address);
    }

    [Fact]
    public async Task A_cancellation_through_the_booking_API_is_mailed_and_the_refund_amount_follows_when_RefundIssued_arrives()
    {
        var booking = await BookingAsync();
        var placed = await booking.PlaceAsync("Ada Lovelace", "ada@example.com");
        await booking.CancelAsync(placed, "Plans changed");

        var cancellation = (await Smtp.WaitForAsync(placed.Reference, 2)).OfKind("Cancellation");
        Assert.Equal($"Booking cancelled: {placed.Reference}", cancellation.Subject);
        foreach (var body in new[] { cancellation.HtmlBody, cancellation.TextBody })
        {
            Assert.Contains("has been cancelled", body);
            Assert.Contains("Reason given: Plans changed", body);
        }

        await Events.RefundIssuedAsync(placed.Id, placed.Reference, 447m);
        var refund = (await Smtp.WaitForAsync(placed.Reference, 3)).OfKind("Refund");
        Assert.Equal($"Refund issued for booking {placed.Reference}", refund.Subject);
        Assert.Contains("We have refunded <strong>EUR 447.00</strong>", refund.HtmlBody);
        Assert.Contains("We have refunded EUR 447.00", refund.TextBody);

        var kinds = (await Notifications.EmailsAsync(placed.Reference)).Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["Confirmation", "Cancellation", "Refund"], kinds);
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
