namespace Hotel.CustomerCare.View;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

/// <summary>How guests are keyed and searched: normalised e-mail, accent- and case-free text.</summary>
public static class GuestKeys
{
    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>A stable id per normalised e-mail (first 16 bytes of its SHA-256), so links survive a rebuild.</summary>
    public static Guid IdFor(string normalisedEmail)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("guest:" + normalisedEmail));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>"Zoë Ångström" → "zoe angstrom": decomposed, combining marks dropped, lower-cased.</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Trim().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            builder.Append(c switch { 'ø' or 'Ø' => 'o', 'æ' or 'Æ' => 'a', 'ß' => 's', 'ł' or 'Ł' => 'l', 'đ' or 'Đ' => 'd', _ => c });
        }
        return builder.ToString().Normalize(NormalizationForm.FormC).ToLowerInvariant();
    }

    /// <summary>"PaymentFailed" or "payment-failed" → "payment-failed".</summary>
    public static string KebabKind(string kind)
    {
        var builder = new StringBuilder();
        foreach (var c in kind.Trim())
        {
            if (char.IsUpper(c) && builder.Length > 0 && builder[^1] != '-') builder.Append('-');
            builder.Append(c == '_' || c == ' ' ? '-' : char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
