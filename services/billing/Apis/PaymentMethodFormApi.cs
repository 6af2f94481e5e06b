namespace Hotel.Billing.Apis;

using System.Globalization;
using Hotel.Billing.Gateways;
using Hotel.Billing.Infrastructure;
using Hotel.Billing.PaymentMethods;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

/// <summary>Section <c>Billing:PaymentForm</c>.</summary>
public sealed class PaymentFormOptions
{
    public const string Section = "Billing:PaymentForm";

    /// <summary>
    /// Origins (scheme://host:port) whose pages may post the card form and be sent back to: the guest website.
    /// Anything else gets a 400, never a redirect (no open redirect).
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

/// <summary>
/// <c>POST /payment-methods/form</c>: the guest website's card form posts here directly from the browser
/// (form-encoded: number, expMonth, expYear, cvc, holderName, returnUrl), so the card never passes through booking.
/// A valid card is tokenised and the browser is sent (303) to <c>returnUrl?paymentMethodId=pm_…</c>; an invalid one
/// to <c>returnUrl?cardError={field}</c> — the field's name only, never what was typed. <c>returnUrl</c> and the
/// request's <c>Origin</c> must both be allowed origins (a foreign page can neither use the form nor be redirected to).
/// </summary>
public static class PaymentMethodFormApi
{
    public const string Path = "/payment-methods/form";
    private const long MaxFormBytes = 8 * 1024;

    public static IEndpointRouteBuilder MapPaymentMethodFormApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync).RequireRateLimiting(BillingRateLimitingOptions.TokenisationPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, BillingDbContext db, CardFingerprinter fingerprinter,
        ICardRegistrar registrar, TimeProvider clock, Microsoft.Extensions.Options.IOptions<PaymentFormOptions> options, CancellationToken ct)
    {
        var allowed = options.Value.AllowedOrigins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (context.Request.Headers.Origin is { Count: > 0 } origin && !allowed.Contains(origin.ToString()))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This form may only be posted from the booking website.");
        if (!context.Request.HasFormContentType || context.Request.ContentLength > MaxFormBytes)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "Expected a small form-encoded card form.");
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxFormBytes;

        var form = await context.Request.ReadFormAsync(ct);
        if (!Uri.TryCreate(form["returnUrl"].ToString(), UriKind.Absolute, out var returnUrl)
            || returnUrl.Scheme is not ("http" or "https")
            || !allowed.Contains(returnUrl.GetLeftPart(UriPartial.Authority))
            || !string.IsNullOrEmpty(returnUrl.UserInfo))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad return address",
                detail: "returnUrl must be an address of the booking website.");

        var request = new CreatePaymentMethodRequest(
            form["number"].ToString(), Int(form["expMonth"]), Int(form["expYear"]), form["cvc"].ToString(), form["holderName"].ToString());
        var errors = CardValidation.Validate(request, clock.GetUtcNow(), out var digits);
        context.Response.Headers.CacheControl = "no-store";
        if (errors.Count > 0)
            return SeeOther(QueryHelpers.AddQueryString(returnUrl.ToString(), "cardError", errors.Keys.First()));

        var method = await PaymentMethodsApi.RegisterAsync(request, digits, db, fingerprinter, registrar, clock, ct);
        return SeeOther(QueryHelpers.AddQueryString(returnUrl.ToString(), "paymentMethodId", method.Id));
    }

    private static int? Int(Microsoft.Extensions.Primitives.StringValues value) =>
        int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static IResult SeeOther(string location) => new SeeOtherResult(location);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
