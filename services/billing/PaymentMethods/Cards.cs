namespace Hotel.Billing.PaymentMethods;

using System.Security.Cryptography;
using System.Text;

/// <summary>Card-number rules: digits, Luhn, brand. Pure functions; nothing here logs or keeps the number.</summary>
public static class Cards
{
    /// <summary>The digits of <paramref name="number"/> with spaces and dashes removed, or null when anything else is in it.</summary>
    public static string? Digits(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        var digits = new StringBuilder(number.Length);
        foreach (var c in number)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is not (' ' or '-')) return null;
        }
        return digits.ToString();
    }

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    public static string Brand(string digits)
    {
        if (digits.StartsWith('4')) return "visa";
        if (digits.StartsWith("34", StringComparison.Ordinal) || digits.StartsWith("37", StringComparison.Ordinal)) return "amex";
        if (digits.Length >= 2 && int.Parse(digits[..2]) is >= 51 and <= 55) return "mastercard";
        if (digits.Length >= 4 && int.Parse(digits[..4]) is >= 2221 and <= 2720) return "mastercard";
        if (digits.StartsWith("6011", StringComparison.Ordinal) || digits.StartsWith("65", StringComparison.Ordinal)) return "discover";
        return "unknown";
    }
}

/// <summary>
/// The card fingerprint: HMAC-SHA256 of the digits under <c>Payments:FingerprintKey</c>. Equal cards
/// give equal fingerprints (the fraud rules key on it); without the key the number cannot be found from it.
/// </summary>
public sealed class CardFingerprinter
{
    private readonly byte[] _key;

    public CardFingerprinter(byte[] key)
    {
        if (key.Length < 16) throw new InvalidOperationException("Payments:FingerprintKey must be at least 16 bytes.");
        _key = key;
    }

    public string Fingerprint(string digits) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(digits)));
}
