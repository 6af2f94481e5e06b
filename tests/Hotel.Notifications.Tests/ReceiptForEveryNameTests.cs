namespace Hotel.Notifications.Tests;

using Hotel.Notifications.Mail;
using Hotel.Testing;
using MimeKit;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using Xunit.Abstractions;

/// <summary>Receipts for names the receipt font has no glyphs for: sent with their PDF, never retried forever.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class ReceiptForEveryNameTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    [Theory]
    [InlineData("山田太郎", "HTL-YAMADA", "????")]
    [InlineData("Zoë 😀", "HTL-ZOEEMO", "Zoë ?")]
    public async Task A_receipt_for_a_name_the_font_lacks_reaches_SMTP_with_a_PDF_attachment(string guestName, string reference, string drawnName)
    {
        var bookingId = Guid.NewGuid();
        await Events.BookingPlacedAsync(bookingId, reference, guestName, "guest@example.com");
        await Events.PaymentCapturedAsync(bookingId, reference);

        var receipt = await ReceiptAsync(reference);
        Assert.Equal(guestName, Assert.Single(receipt.To.Mailboxes).Name);
        Assert.Contains($"Dear {guestName},", receipt.TextBody); // the mail itself shows the name in full
        var attachment = Assert.Single(receipt.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        using var pdfBytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(pdfBytes);
        using var pdf = PdfDocument.Open(pdfBytes.ToArray());
        var text = ContentOrderTextExtractor.GetText(pdf.GetPage(1));
        Output.WriteLine(text);
        Assert.Contains(reference, text);
        Assert.Contains(drawnName, text);
        Assert.Equal("Sent", await Notifications.ScalarAsync<string>(
            "SELECT status FROM emails WHERE booking_reference = $1 AND kind = 'Receipt'", reference));
    }

    private async Task<MimeMessage> ReceiptAsync(string reference) =>
        (await Eventually.WaitAsync(() => Task.FromResult(Smtp.For(reference)),
            mails => mails.Any(m => m.Headers["X-Hotel-Mail-Kind"] == "Receipt"), TimeSpan.FromSeconds(30), $"the receipt for {reference}"))
        .OfKind("Receipt");
}

/// <summary>A receipt that cannot be rendered (here: the configured font file is missing) ends Failed, with the error.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class UnrenderableMailTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    private const int MaxRenderAttempts = 3;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Notifications:ReceiptFont"] = "/nonexistent/hotel-test-font.ttf",
        ["Notifications:Sender:MaxRenderAttempts"] = MaxRenderAttempts.ToString(),
    };

    [Fact]
    public async Task A_mail_whose_rendering_fails_every_time_is_marked_failed_with_the_error_after_the_configured_attempts()
    {
        var bookingId = Guid.NewGuid();
        await Events.BookingPlacedAsync(bookingId, "HTL-NOFONT", "Åsa Nyström", "asa@example.com");
        await Events.PaymentCapturedAsync(bookingId, "HTL-NOFONT");

        await Eventually.WaitAsync(() => Notifications.ScalarAsync<string>(
                "SELECT coalesce((SELECT status FROM emails WHERE booking_reference = 'HTL-NOFONT' AND kind = 'Receipt'), '')"),
            status => status == nameof(EmailStatus.Failed), TimeSpan.FromSeconds(30), "the receipt marked failed");
        Assert.Equal(MaxRenderAttempts, await Notifications.ScalarAsync<int>(
            "SELECT attempts FROM emails WHERE booking_reference = 'HTL-NOFONT' AND kind = 'Receipt'"));
        var error = await Notifications.ScalarAsync<string>(
            "SELECT last_error FROM emails WHERE booking_reference = 'HTL-NOFONT' AND kind = 'Receipt'");
        Assert.Contains("Rendering failed", error);
        Assert.Contains("/nonexistent/hotel-test-font.ttf", error);
        Assert.DoesNotContain(Smtp.For("HTL-NOFONT"), m => m.Headers["X-Hotel-Mail-Kind"] == "Receipt");
    }
}
