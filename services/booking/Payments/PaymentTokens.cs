namespace Hotel.Booking.Payments;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

/// <summary>Section <c>PaymentTokens</c>: the key billing signs payment tokens with (the same value as billing's).</summary>
public sealed class PaymentTokenOptions
{
    public const string Section = "PaymentTokens";


    public string Key { get; set; } = "";

    /// <summary>Refuses to start without a usable key, naming the setting (outside Development, Program.cs also refuses the development one).</summary>
    public static void ValidateAtStartup(IConfiguration configuration)
    {
        var key = configuration[$"{Section}:Key"];
        if (string.IsNullOrWhiteSpace(key) || key.Length < 32)
            throw new InvalidOperationException($"{Section}:Key is not set or shorter than 32 characters: set it (the same value as billing's), e.g. {Section}__Key=….");
    }
}

/// <summary>
/// Booking's check of billing's payment tokens, offline: <c>pm_….{expiry}.{HMAC-SHA256 of (id, normalised e-mail,
/// expiry)}</c>. Billing's <c>PaymentTokens</c> issues them; the contract tests hold the two copies together.
/// </summary>
public sealed class PaymentTokens(IOptions<PaymentTokenOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    /// <summary>Whether <paramref name="token"/> was issued for <paramref name="guestEmail"/> and is not expired at <paramref name="at"/>.</summary>
    public bool Verify(string? token, string guestEmail, DateTimeOffset at)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 3 } || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return false;
        if (at.ToUnixTimeSeconds() > expires) return false;
        var signed = Encoding.UTF8.GetBytes($"{parts[0]}\n{guestEmail.Trim().ToLowerInvariant()}\n{parts[1]}");
        var expected = Encoding.ASCII.GetBytes(Base64Url(HMACSHA256.HashData(_key, signed)));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2]));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
