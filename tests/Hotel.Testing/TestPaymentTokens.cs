namespace Hotel.Testing;

using System.Security.Cryptography;
using Hotel.ServiceDefaults;
using Microsoft.Extensions.Options;

/// <summary>
/// Payment tokens as billing issues them, under the development key of booking's and billing's
/// appsettings.Development.json, for tests that book without tokenising a card at billing. Billing has no row for such
/// a token; each gets its own id, so the fraud rules see one card each.
/// </summary>
public static class TestPaymentTokens
{
    public const string DevelopmentKey = "dev-only-payment-token-key-0123456789abcdef";

    public static string For(string guestEmail, string? paymentMethodId = null, DateTimeOffset? expiresAt = null, string key = DevelopmentKey)
    {
        var id = paymentMethodId ?? "pm_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return new PaymentTokens(Options.Create(new PaymentTokenOptions { Key = key }))
            .IssueUntil(id, guestEmail, expiresAt ?? DateTimeOffset.UtcNow.AddHours(1));
    }
}
