namespace Hotel.Billing.Apis;

using Hotel.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;

/// <summary>
/// Section <c>RateLimiting</c> of billing: the endpoints a guest's browser reaches — tokenisation
/// (<c>POST /api/payment-methods</c>) and the card form (<c>POST /payment-methods/form</c>), shared — are limited per
/// client (remote address; behind a proxy only if it is listed in <c>ForwardedHeaders</c>), against card testing.
/// </summary>
public sealed class BillingRateLimitingOptions
{
    public const string Section = "RateLimiting";
    public const string TokenisationPolicy = "billing-tokenisation";

    /// <summary>10 cards a minute: a guest retyping a card a few times passes, a script trying stolen numbers does not.</summary>
    public WindowLimit Tokenisation { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
}

public static class BillingRateLimits
{
    public static IHostApplicationBuilder AddBillingRateLimits(this IHostApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(BillingRateLimitingOptions.Section).Get<BillingRateLimitingOptions>() ?? new BillingRateLimitingOptions();
        builder.AddTrustedProxies();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(BillingRateLimitingOptions.TokenisationPolicy, context => ClientRateLimits.FixedWindow(context, limits.Tokenisation));
            options.OnRejected = async (rejected, _) =>
            {
                var seconds = ClientRateLimits.Reject(rejected, fallback: TimeSpan.FromMinutes(1));
                await ClientRateLimits.WriteProblemAsync(rejected.HttpContext, $"Too many cards from this client; try again in {seconds} s.");
            };
        });
        return builder;
    }
}
