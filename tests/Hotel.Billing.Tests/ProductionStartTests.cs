namespace Hotel.Billing.Tests;

using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>Outside Development billing needs secrets of its own: the repository's development values are public.</summary>
[Collection(BillingCollection.Name)]
public sealed class ProductionStartTests(InfraFixture infra, ITestOutputHelper output)
{
    [Theory]
    [InlineData("Payments:FingerprintKey", "local-dev-only-card-fingerprint-key-change-me", "Payments:FingerprintKey has the repository's development value")]
    [InlineData("Payments:FingerprintKey", null, "Payments:FingerprintKey is not set")]
    [InlineData("ApiKeys:Operator", "dev-operator-api-key", "ApiKeys:Operator has the repository's development value")]
    [InlineData("PaymentTokens:Key", "dev-only-payment-token-key-0123456789abcdef", "PaymentTokens:Key has the repository's development value")]
    public async Task A_production_start_with_a_missing_or_development_secret_is_refused_naming_the_setting(string setting, string? value, string message)
    {
        var settings = ProductionSecrets();
        settings[setting] = value;
        var spec = await BillingSpec.NewAsync(infra);
        var error = Assert.ThrowsAny<Exception>(() => BillingApp.Start(infra, spec, output, settings));
        Assert.Contains(message, Flatten(error));
    }

    [Fact]
    public async Task A_production_start_with_secrets_of_its_own_starts()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output, ProductionSecrets());
        using var response = await app.Caller.GetAsync("/api/payments?bookingReference=HTL-ABC234");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Production, with every secret given (BillingApp gives the API keys).</summary>
    private static Dictionary<string, string?> ProductionSecrets() => new()
    {
        ["environment"] = "Production",
        ["PaymentTokens:Key"] = "a-production-payment-token-key-" + Guid.NewGuid().ToString("N"),
        ["Payments:FingerprintKey"] = "a-production-fingerprint-key-" + Guid.NewGuid().ToString("N"),
    };

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + Flatten(e.InnerException);
}
