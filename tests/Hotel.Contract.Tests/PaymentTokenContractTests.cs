using Hotel.Testing;
namespace Hotel.Contract.Tests;

using Hotel.ServiceDefaults;
using Microsoft.Extensions.Options;

/// <summary>Billing issues payment tokens (ServiceDefaults' <see cref="PaymentTokens"/>) and booking checks them with the same code and its own copy of the key.</summary>
public sealed class PaymentTokenContractTests
{
    private const string Key = "contract-test-payment-token-key-0123456789";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_billing_issues_verifies_in_booking_for_that_guest_only_and_until_it_expires()
    {
        var billing = new PaymentTokens(Options.Create(new PaymentTokenOptions { Key = Key, Lifetime = TimeSpan.FromMinutes(30) }));
        var booking = new PaymentTokens(Options.Create(new PaymentTokenOptions { Key = Key }));
        var token = billing.Issue("pm_0123456789abcdef01234567", " Ada@Example.com ", Now);

        Assert.True(booking.Verify(token, "ada@example.com", Now.AddMinutes(29)));
        Assert.False(booking.Verify(token, "eve@example.com", Now));
        Assert.False(booking.Verify(token, "ada@example.com", Now.AddMinutes(31)));
        Assert.False(booking.Verify(token.Replace("pm_0", "pm_1", StringComparison.Ordinal), "ada@example.com", Now));
        Assert.False(new PaymentTokens(Options.Create(new PaymentTokenOptions { Key = Key + "x" })).Verify(token, "ada@example.com", Now));
    }

    [Fact]
    public void Booking_billing_and_the_tests_share_one_development_key_and_it_is_refused_outside_Development()
    {
        static string? KeyIn(string service) =>
            System.Text.Json.Nodes.JsonNode.Parse(Repository.Read($"services/{service}/appsettings.Development.json"))?["PaymentTokens"]?["Key"]?.GetValue<string>();
        Assert.Equal(Hotel.Testing.TestPaymentTokens.DevelopmentKey, KeyIn("booking"));
        Assert.Equal(Hotel.Testing.TestPaymentTokens.DevelopmentKey, KeyIn("billing"));
        Assert.Contains(Hotel.Testing.TestPaymentTokens.DevelopmentKey, Hotel.ServiceDefaults.DevelopmentSecrets.KnownValues);
    }
}
