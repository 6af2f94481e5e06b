namespace Hotel.Contract.Tests;

using Microsoft.Extensions.Options;
using BillingTokens = Hotel.Billing.PaymentMethods.PaymentTokens;
using BillingTokenOptions = Hotel.Billing.PaymentMethods.PaymentTokenOptions;
using BookingTokens = Hotel.Booking.Payments.PaymentTokens;
using BookingTokenOptions = Hotel.Booking.Payments.PaymentTokenOptions;

/// <summary>Billing issues payment tokens and booking checks them with its own copy of the check: the two must agree.</summary>
public sealed class PaymentTokenContractTests
{
    private const string Key = "contract-test-payment-token-key-0123456789";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_billing_issues_verifies_in_booking_for_that_guest_only_and_until_it_expires()
    {
        var billing = new BillingTokens(Options.Create(new BillingTokenOptions { Key = Key, Lifetime = TimeSpan.FromMinutes(30) }));
        var booking = new BookingTokens(Options.Create(new BookingTokenOptions { Key = Key }));
        var token = billing.Issue("pm_0123456789abcdef01234567", " Ada@Example.com ", Now);

        Assert.True(booking.Verify(token, "ada@example.com", Now.AddMinutes(29)));
        Assert.False(booking.Verify(token, "eve@example.com", Now));
        Assert.False(booking.Verify(token, "ada@example.com", Now.AddMinutes(31)));
        Assert.False(booking.Verify(token.Replace("pm_0", "pm_1", StringComparison.Ordinal), "ada@example.com", Now));
        Assert.False(new BookingTokens(Options.Create(new BookingTokenOptions { Key = Key + "x" })).Verify(token, "ada@example.com", Now));
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
