namespace Hotel.Testing;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// Payment tokens as billing issues them (pm_….{expiry}.{HMAC-SHA256 of id, normalised e-mail, expiry}) under the
/// development key of booking's and billing's appsettings.Development.json, for tests that book without tokenising a
/// card at billing. Billing has no row for such a token; each gets its own id, so the fraud rules see one card each.
/// </summary>
public static class TestPaymentTokens
{
    public const string DevelopmentKey = "dev-only-payment-token-key-0123456789abcdef";

    public static string For(string guestEmail, string? paymentMethodId = null, DateTimeOffset? expiresAt = null, string key = DevelopmentKey)
    {
        var id = paymentMethodId ?? "pm_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var expires = (expiresAt ?? DateTimeOffset.UtcNow.AddHours(1)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{id}\n{guestEmail.Trim().ToLowerInvariant()}\n{expires}"));
        return $"{id}.{expires}.{Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
    }
}
