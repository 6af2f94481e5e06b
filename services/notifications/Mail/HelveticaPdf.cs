namespace Hotel.Notifications.Mail;

using System.Globalization;
using System.Text;

/// <summary>
/// A one-page A4 PDF of printable-ASCII text in the standard Helvetica, written directly: a standard font is neither
/// embedded nor measured (every line is left-aligned at a fixed position), so the file is a few hundred bytes of
/// objects around one content stream. PdfPig wrote the same page in about 2 CPU-ms, most of it looking up each
/// character's metrics by scanning the font's whole table (a fifth of the notification service's CPU under the bench).
/// </summary>
public static class HelveticaPdf
{
    public const double PageWidth = 595, PageHeight = 842; // A4 in points

    /// <summary>A run of text at a position, in points from the page's bottom left.</summary>
    public readonly record struct Text(string Value, double Size, double X, double Y);

    /// <summary>A straight line between two points.</summary>
    public readonly record struct Line(double X1, double Y1, double X2, double Y2, double Width);

    public static bool CanWrite(string text) => text.All(c => c is >= ' ' and <= '~');

    public static byte[] Write(IEnumerable<Text> texts, IEnumerable<Line> lines)
    {
        var content = new StringBuilder();
        foreach (var l in lines)
            content.Append(Number(l.Width)).Append(" w ").Append(Number(l.X1)).Append(' ').Append(Number(l.Y1)).Append(" m ")
                .Append(Number(l.X2)).Append(' ').Append(Number(l.Y2)).Append(" l S\n");
        foreach (var t in texts)
        {
            if (!CanWrite(t.Value)) throw new ArgumentException($"Only printable ASCII can be written in the standard Helvetica: '{t.Value}'.", nameof(texts));
            content.Append("BT /F1 ").Append(Number(t.Size)).Append(" Tf ").Append(Number(t.X)).Append(' ').Append(Number(t.Y)).Append(" Td (");
            foreach (var c in t.Value)
            {
                if (c is '(' or ')' or '\\') content.Append('\\');
                content.Append(c);
            }
            content.Append(") Tj ET\n");
        }
        var stream = content.ToString();

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        void Object(string body)
        {
            offsets.Add(pdf.Length); // ASCII throughout: characters are bytes
            pdf.Append(offsets.Count).Append(" 0 obj\n").Append(body).Append("\nendobj\n");
        }
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {Number(PageWidth)} {Number(PageHeight)}] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>");
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        Object($"<< /Length {stream.Length} >>\nstream\n{stream}endstream");
        var xref = pdf.Length;
        pdf.Append("xref\n0 ").Append(offsets.Count + 1).Append("\n0000000000 65535 f \n");
        foreach (var offset in offsets) pdf.Append(offset.ToString("D10", CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        pdf.Append("trailer\n<< /Size ").Append(offsets.Count + 1).Append(" /Root 1 0 R >>\nstartxref\n").Append(xref).Append("\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
