namespace Hotel.Notifications.Tests;

using Hotel.Notifications.Mail;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig;

/// <summary>The receipt PDF itself (pure logic over PdfPig and the machine's DejaVu font; no services).</summary>
public sealed class ReceiptPdfTests
{
    private static readonly ReceiptPdf Pdf = new(Options.Create(new NotificationsOptions()));

    [Fact]
    public void An_ascii_receipt_uses_a_standard_font_and_embeds_none()
    {
        var bytes = Pdf.Write("Receipt HTL-ABC234", [new("Guest", "Ada Lovelace"), new("Total", "EUR 447.00")], "Thank you");
        Assert.Contains("Ada Lovelace", Text(bytes));
        Assert.DoesNotContain("FontFile2", System.Text.Encoding.Latin1.GetString(bytes)); // no embedded TrueType program
    }

    [Fact]
    public void A_receipt_with_any_other_letter_embeds_the_font_so_the_name_renders()
    {
        var bytes = Pdf.Write("Receipt HTL-ABC234", [new("Guest", "Łukasz Żółć-Müller"), new("Total", "EUR 447.00")], "Thank you");
        Assert.Contains("Łukasz Żółć-Müller", Text(bytes));
        Assert.Contains("FontFile2", System.Text.Encoding.Latin1.GetString(bytes));
    }

    [Theory]
    [InlineData("山田太郎", "????")]
    [InlineData("Zoë 😀", "Zoë ?")]
    public void A_character_the_font_lacks_is_drawn_as_a_replacement_instead_of_throwing(string name, string drawn)
    {
        var bytes = Pdf.Write("Receipt HTL-ABC234", [new("Guest", name), new("Total", "EUR 447.00")], "Thank you");
        Assert.Contains(drawn, Text(bytes));
        Assert.Contains("EUR 447.00", Text(bytes));
    }

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join(" ", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }
}
