namespace Hotel.Billing.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;

/// <summary>Tokenisation — the API and the card form, shared — is rate-limited per client against card testing.</summary>
[Collection(BillingCollection.Name)]
public sealed class TokenisationRateLimitTests(InfraFixture infra)
{
    [Fact]
    public async Task Past_the_tokenisation_limit_the_api_and_the_card_form_answer_429_problems_with_Retry_After_and_store_nothing()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Tokenisation:PermitLimit"] = "2",
            ["RateLimiting:Tokenisation:Window"] = "00:01:00",
        });
        await app.TokeniseAsync("4242424242424242");
        await app.TokeniseAsync("4000000000000002");

        using var refused = await app.Client.PostAsJsonAsync("/api/payment-methods",
            new { number = "4000000000009995", expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "Ada Lovelace" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());

        using var form = await app.Client.PostAsync("/payment-methods/form", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["number"] = "4000000000009995",
            ["expMonth"] = "12",
            ["expYear"] = (DateTime.UtcNow.Year + 2).ToString(),
            ["cvc"] = "123",
            ["holderName"] = "Ada Lovelace",
            ["returnUrl"] = "http://127.0.0.1:5100/checkout/complete",
        }));
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.True(form.Headers.Contains("Retry-After"));
        Assert.Equal(2L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM payment_methods"));
    }
}
