namespace Hotel.Billing.Apis;

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Hotel.Billing.Gateways;
using Hotel.Billing.Infrastructure;
using Hotel.Billing.PaymentMethods;
using Hotel.ServiceDefaults;
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
/// (form-encoded: number, expMonth, expYear, cvc, holderName, email, returnUrl), so the card never passes through booking.
/// A valid card is tokenised for the guest's e-mail and the token handed back to <c>returnUrl</c> in a form post (a
/// page that submits itself, or a button without JavaScript): never in a URL, where it would end up in histories,
/// logs and Referer headers. An invalid card goes back (303) to <c>returnUrl?cardError={field}</c> — the field's name
/// only, never what was typed. <c>returnUrl</c> and the request's <c>Origin</c> must both be allowed origins (a foreign
/// page can neither use the form nor be sent the token).
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
        ICardRegistrar registrar, PaymentTokens tokens, TimeProvider clock, Microsoft.Extensions.Options.IOptions<PaymentFormOptions> options, CancellationToken ct)
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
            form["number"].ToString(), Int(form["expMonth"]), Int(form["expYear"]), form["cvc"].ToString(), form["holderName"].ToString(),
            form["email"].ToString());
        var errors = CardValidation.Validate(request, clock.GetUtcNow(), out var digits);
        context.Response.Headers.CacheControl = "no-store";
        if (errors.Count > 0)
            return SeeOther(QueryHelpers.AddQueryString(returnUrl.ToString(), "cardError", errors.Keys.First()));

        var method = await PaymentMethodsApi.RegisterAsync(request, digits, db, fingerprinter, registrar, clock, ct);
        return new HandOffResult(returnUrl, tokens.Issue(method.Id, request.Email!, clock.GetUtcNow()));
    }

    private static int? Int(Microsoft.Extensions.Primitives.StringValues value) =>
        int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static IResult SeeOther(string location) => new SeeOtherResult(location);

    /// <summary>The token posted back to the booking website by the browser: a self-submitting form, with a button for browsers without JavaScript.</summary>
    private sealed class HandOffResult(Uri returnUrl, string token) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var html = HtmlEncoder.Default;
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src 'nonce-{nonce}'; form-action {returnUrl.GetLeftPart(UriPartial.Authority)}; base-uri 'none'; frame-ancestors 'none'";
            await response.WriteAsync($"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Completing your booking</title></head>
                <body>
                <form method="post" action="{html.Encode(returnUrl.ToString())}" id="payment-handoff">
                <input type="hidden" name="paymentMethodId" value="{html.Encode(token)}">
                <p>Your card was accepted. Completing your booking…</p>
                <button type="submit">Continue</button>
                </form>
                <script nonce="{nonce}">document.getElementById('payment-handoff').submit();</script>
                </body></html>
                """, httpContext.RequestAborted);
        }
    }

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
