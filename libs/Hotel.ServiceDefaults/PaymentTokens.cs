using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Hotel.ServiceDefaults;

/// <summary>
/// Section <c>PaymentTokens</c>: the key billing signs payment tokens with and booking checks them with (the same
/// value in both services), and how long a token may be used to book.
/// </summary>
public sealed class PaymentTokenOptions
{
    public const string Section = "PaymentTokens";

    public string Key { get; set; } = "";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Refuses to start without a usable key, naming the setting (outside Development, <see cref="DevelopmentSecrets"/>
    /// also refuses the development one: anyone who read the repository could otherwise sign tokens for any guest).
    /// </summary>
    public static void ValidateAtStartup(IConfiguration configuration)
    {
        var key = configuration[$"{Section}:Key"];
        if (string.IsNullOrWhiteSpace(key) || key.Length < 32)
            throw new InvalidOperationException($"{Section}:Key is not set or shorter than 32 characters: set it (the same value in booking and billing), e.g. {Section}__Key=….");
    }
}

/// <summary>
/// Payment tokens bound to one guest: <c>pm_…</c> (the payment method's id), its expiry (Unix seconds) and an
/// HMAC-SHA256 of (id, the guest's normalised e-mail, expiry) under <c>PaymentTokens:Key</c>, joined by dots.
/// Billing issues them; booking checks them offline with <see cref="Verify"/>. A token read from a log or a stolen
/// form cannot book for another address, and one made up fails.
/// </summary>
public sealed class PaymentTokens(IOptions<PaymentTokenOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public string Issue(string paymentMethodId, string guestEmail, DateTimeOffset now) =>
        IssueUntil(paymentMethodId, guestEmail, now + options.Value.Lifetime);

    public string IssueUntil(string paymentMethodId, string guestEmail, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{paymentMethodId}.{expires}.{Sign(paymentMethodId, guestEmail, expires)}";
    }

    public bool Verify(string? token, string guestEmail, DateTimeOffset at) => TryVerify(token, guestEmail, at, out _);

    /// <summary>Whether <paramref name="token"/> was issued for <paramref name="guestEmail"/> and is not expired at <paramref name="at"/>.</summary>
    public bool TryVerify(string? token, string guestEmail, DateTimeOffset at, out string paymentMethodId)
    {
        paymentMethodId = "";
        var parts = token?.Split('.');
        if (parts is not { Length: 3 } || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return false;
        if (at.ToUnixTimeSeconds() > expires) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(parts[0], guestEmail, parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2]))) return false;
        paymentMethodId = parts[0];
        return true;
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private string Sign(string paymentMethodId, string guestEmail, string expires) =>
        Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{paymentMethodId}\n{NormalizeEmail(guestEmail)}\n{expires}")));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
