namespace Hotel.Billing.Tests;

using System.Net;
using System.Text.RegularExpressions;
using Hotel.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

/// <summary>The guest website's card form posts to billing directly; billing tokenises and sends the browser back, only to allowed origins.</summary>
[Collection(BillingCollection.Name)]
public sealed class PaymentFormTests(InfraFixture infra)
{
    private const string Site = "http://127.0.0.1:5999";
    private const string Number = "4000002760003184"; // used by no other test

    private static Dictionary<string, string?> Settings => new() { ["Billing:PaymentForm:AllowedOrigins:0"] = Site };

    private static FormUrlEncodedContent Form(string returnUrl, string number = Number, string cvc = "123") => new(new Dictionary<string, string>
    {
        ["number"] = number,
        ["expMonth"] = "12",
        ["expYear"] = (DateTime.UtcNow.Year + 2).ToString(),
        ["cvc"] = cvc,
        ["holderName"] = "Ada Lovelace",
        ["email"] = "Ada@Example.com",
        ["returnUrl"] = returnUrl,
    });

    private static HttpClient NoRedirects(BillingApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task A_valid_card_is_tokenised_for_the_guest_and_the_token_is_posted_back_in_a_form_never_in_a_url()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, settings: Settings);
        using var client = NoRedirects(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/payment-methods/form") { Content = Form($"{Site}/checkout/abc/complete") };
        request.Headers.Add("Origin", Site);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains($"form-action {Site}", response.Headers.GetValues("Content-Security-Policy").Single());
        var page = await response.Content.ReadAsStringAsync();
        Assert.Matches($"<form method=\"post\" action=\"{Regex.Escape(Site)}/checkout/abc/complete\"", page);
        var token = Regex.Match(page, "name=\"paymentMethodId\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.DoesNotContain(Number, page);
        var id = token.Split('.')[0];
        Assert.Equal("3184", await Db.ScalarAsync<string>(spec.ConnectionString, "SELECT last4 FROM payment_methods WHERE id = $1", id));
        Assert.Equal(TestPaymentTokens.For("ada@example.com", id, DateTimeOffset.FromUnixTimeSeconds(long.Parse(token.Split('.')[1]))), token);
        Assert.DoesNotContain(Number, string.Join("\n", app.Logs.Lines));
    }

    [Fact]
    public async Task An_invalid_card_goes_back_naming_the_field_without_card_data_and_foreign_origins_or_return_urls_are_refused()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, settings: Settings);
        using var client = NoRedirects(app);

        using (var invalid = await client.PostAsync("/payment-methods/form", Form($"{Site}/checkout/abc/complete", number: "4000002760003185")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, invalid.StatusCode);
            Assert.Equal($"{Site}/checkout/abc/complete?cardError=number", invalid.Headers.Location!.ToString());
        }

        foreach (var returnUrl in new[] { "https://evil.example/steal", "http://127.0.0.1:5998/checkout", "/checkout/abc/complete", "javascript:alert(1)" })
        {
            using var refused = await client.PostAsync("/payment-methods/form", Form(returnUrl));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Null(refused.Headers.Location);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/payment-methods/form") { Content = Form($"{Site}/checkout/abc/complete") };
        request.Headers.Add("Origin", "https://evil.example");
        using (var forged = await client.SendAsync(request))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        Assert.Equal(0L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM payment_methods"));
        Assert.DoesNotContain(Number, string.Join("\n", app.Logs.Lines));
    }
}
