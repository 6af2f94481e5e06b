namespace Hotel.Notifications.Mail;

using System.Text;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.TrueType;
using UglyToad.PdfPig.Fonts.TrueType.Parser;
using UglyToad.PdfPig.Writer;

/// <summary>
/// The PDF receipt. Plain ASCII text is written in the standard Helvetica (<see cref="HelveticaPdf"/>);
/// any other character makes PdfPig (Apache-2.0) embed a TrueType font so that every guest name renders.
/// Embedding parses the whole font on every receipt (about 28 ms of CPU, measured), so it is done only where needed. The
/// font file comes from <c>Notifications:ReceiptFont</c> (default DejaVu Sans, Debian's <c>fonts-dejavu-core</c>).
/// A character the font has no glyph for (CJK in DejaVu, emoji, control characters) is drawn as
/// <see cref="Replacement"/>: PdfPig throws on such a character, and the mail itself still shows the name in full.
/// </summary>
public sealed class ReceiptPdf(IOptions<NotificationsOptions> options)
{
    public const char Replacement = '?';

    private readonly Lock _lock = new();
    private EmbeddableFont? _font;

    public sealed record Line(string Label, string Value);

    public byte[] Write(string title, IReadOnlyList<Line> lines, string footer)
    {
        var (texts, rule) = Layout(title, lines, footer);
        return texts.All(t => HelveticaPdf.CanWrite(t.Value)) ? HelveticaPdf.Write(texts, [rule]) : WriteEmbedding(texts, rule);
    }

    /// <summary>The page, whichever writer draws it: title, rule, label/value rows, footer.</summary>
    private static (List<HelveticaPdf.Text> Texts, HelveticaPdf.Line Rule) Layout(string title, IReadOnlyList<Line> lines, string footer)
    {
        const double left = 56, valueLeft = 200, right = 540, top = 780;
        var texts = new List<HelveticaPdf.Text> { new(title, 20, left, top) };
        var y = top - 16;
        var rule = new HelveticaPdf.Line(left, y, right, y, 0.5);
        y -= 28;
        foreach (var line in lines)
        {
            texts.Add(new(line.Label, 11, left, y));
            texts.Add(new(line.Value, 11, valueLeft, y));
            y -= 20;
        }
        texts.Add(new(footer, 9, left, y - 16));
        return (texts, rule);
    }

    private byte[] WriteEmbedding(List<HelveticaPdf.Text> texts, HelveticaPdf.Line rule)
    {
        var builder = new PdfDocumentBuilder();
        var embeddable = Font();
        var font = builder.AddTrueTypeFont(embeddable.Bytes);
        var page = builder.AddPage(PageSize.A4);
        page.DrawLine(new PdfPoint(rule.X1, rule.Y1), new PdfPoint(rule.X2, rule.Y2), rule.Width);
        foreach (var t in texts) page.AddText(embeddable.Drawable(t.Value), t.Size, new PdfPoint(t.X, t.Y), font);
        return builder.Build();
    }

    private EmbeddableFont Font()
    {
        lock (_lock)
        {
            if (_font is not null) return _font;
            var path = options.Value.ReceiptFont;
            if (!File.Exists(path))
                throw new InvalidOperationException(
                    $"The receipt font {path} does not exist: install Debian's fonts-dejavu-core or set Notifications:ReceiptFont to a TrueType font file.");
            var bytes = File.ReadAllBytes(path);
            return _font = new EmbeddableFont(bytes, TrueTypeFontParser.Parse(new TrueTypeDataBytes(bytes)));
        }
    }

    /// <summary>The font file to embed, and its parsed tables to ask which characters it can draw.</summary>
    private sealed class EmbeddableFont(byte[] bytes, TrueTypeFont parsed)
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<int, bool> _covered = [];

        public byte[] Bytes => bytes;

        /// <summary>
        /// The text with every character the font cannot draw replaced. PdfPig writes one UTF-16 unit at a time,
        /// so a character outside the Basic Multilingual Plane (an emoji) is never drawable and becomes one replacement.
        /// </summary>
        public string Drawable(string text)
        {
            var result = new StringBuilder(text.Length);
            foreach (var rune in text.EnumerateRunes())
                result.Append(Covers(rune) ? rune.ToString() : Replacement);
            return result.ToString();
        }

        private bool Covers(Rune rune)
        {
            if (!rune.IsBmp) return false;
            var c = (char)rune.Value;
            lock (_lock) // the parsed font reads its glyph table lazily; senders render in parallel
            {
                if (!_covered.TryGetValue(c, out var covered))
                    _covered[c] = covered = parsed.TryGetBoundingBox(c, out _) && parsed.TryGetAdvanceWidth(c, out _);
                return covered;
            }
        }
    }
}
