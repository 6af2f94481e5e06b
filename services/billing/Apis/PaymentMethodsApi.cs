namespace Hotel.Billing.Apis;

using System.Security.Cryptography;
using Hotel.Billing.Gateways;
using Hotel.Billing.Infrastructure;
using Hotel.Billing.PaymentMethods;
using Hotel.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

public static class PaymentMethodsApi
{
    public const string Path = "/api/payment-methods";

    public static IEndpointRouteBuilder MapPaymentMethodsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, CreateAsync)
            .WithName("CreatePaymentMethod")
            .RequireRateLimiting(BillingRateLimitingOptions.TokenisationPolicy)
            .WithSummary("Tokenises a card for one guest (email): returns a payment token that books for that guest only, with brand, last4 and expiry. The number and CVC are never stored or logged.");
        return app;
    }

    private static async Task<Results<Created<PaymentMethodResponse>, ProblemHttpResult>> CreateAsync(
        CreatePaymentMethodRequest request, BillingDbContext db, CardFingerprinter fingerprinter, ICardRegistrar registrar,
        PaymentTokens tokens, TimeProvider clock, CancellationToken ct)
    {
        var errors = CardValidation.Validate(request, clock.GetUtcNow(), out var digits);
        if (errors.Count > 0)
            return TypedResults.Problem(new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The card details are not valid.",
            });

        var method = await RegisterAsync(request, digits, db, fingerprinter, registrar, clock, ct);
        return TypedResults.Created($"{Path}/{method.Id}", new PaymentMethodResponse(
            tokens.Issue(method.Id, request.Email!, clock.GetUtcNow()), method.Brand, method.Last4, method.ExpMonth, method.ExpYear));
    }

    /// <summary>Stores the token for a validated card (number and CVC only go to the gateway's registrar, never to a table).</summary>
    internal static async Task<PaymentMethod> RegisterAsync(CreatePaymentMethodRequest request, string digits, BillingDbContext db,
        CardFingerprinter fingerprinter, ICardRegistrar registrar, TimeProvider clock, CancellationToken ct)
    {
        var method = new PaymentMethod
        {
            Id = "pm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Brand = Cards.Brand(digits),
            Last4 = digits[^4..],
            ExpMonth = request.ExpMonth!.Value,
            ExpYear = request.ExpYear!.Value,
            Fingerprint = fingerprinter.Fingerprint(digits),
            HolderName = request.HolderName!.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        await registrar.RegisterAsync(method, digits, ct);
        db.PaymentMethods.Add(method);
        await db.SaveChangesAsync(ct);
        return method;
    }
}
