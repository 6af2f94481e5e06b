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
    public void An_ascii_receipt_reads_back_word_for_word_in_helvetica_on_one_a4_page_with_pdf_string_delimiters_escaped()
    {
        var bytes = Pdf.Write("Receipt HTL-ABC234", [new("Guest", @"O'Brien (Jr.) \ co"), new("Stay", "2 night(s)")], "Thank you");
        using var document = PdfDocument.Open(bytes);
        var page = Assert.Single(document.GetPages());
        Assert.Equal((595, 842), (Math.Round(page.Width), Math.Round(page.Height)));
        Assert.Equal("Receipt HTL-ABC234 Guest O'Brien (Jr.) \\ co Stay 2 night(s) Thank you", string.Join(" ", page.GetWords().Select(w => w.Text)));
        Assert.All(page.Letters, l => Assert.Contains("Helvetica", l.FontName));
        var guest = page.GetWords().First(w => w.Text == "O'Brien");
        Assert.Equal(200, Math.Round(guest.BoundingBox.Left)); // values in their column
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
