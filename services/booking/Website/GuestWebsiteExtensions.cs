namespace Hotel.Booking.Website;

using System.Globalization;
using System.Threading.RateLimiting;
using Hotel.Booking.Checkout;
using Hotel.Booking.Infrastructure;
using Hotel.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

/// <summary>The guest website (Razor Pages under Pages/, wwwroot/) and the booking rate limits.</summary>
public static class GuestWebsiteExtensions
{
    public static IHostApplicationBuilder AddGuestWebsite(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddOptions<WebsiteOptions>().Configure(o =>
        {
            if (Uri.TryCreate(config["Services:Billing"], UriKind.Absolute, out var billing)) o.BillingBaseUrl = billing;
            if (Uri.TryCreate(config["Booking:PublicBaseUrl"], UriKind.Absolute, out var self)) o.PublicBaseUrl = self;
            o.ShowTestCards = builder.Environment.IsDevelopment() || config.GetValue<bool>("Booking:ShowTestCards");
        });
        builder.Services.AddOptions<CheckoutOptions>().Bind(config.GetSection(CheckoutOptions.Section));
        builder.Services.AddScoped<CheckoutService>();
        builder.Services.AddSingleton<GuestAccess>();
        builder.Services.AddSingleton<CheckoutCookie>();
        builder.AddDataProtectionKeysIn<BookingDbContext>("Hotel.Booking");
        builder.Services.AddRazorPages();

        var limits = config.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(RateLimitingOptions.WebsitePolicy, context => PerClient(context, limits.Website));
            options.AddPolicy(RateLimitingOptions.ApiPolicy, context => PerClient(context, limits.Api));
            options.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    /// <summary>Static files and the rate limiter; call after the exception handler.</summary>
    public static WebApplication UseGuestWebsite(this WebApplication app)
    {
        app.UseStaticFiles();
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapGuestWebsite(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapLiveStatus();
        return app;
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, RateLimitingOptions.WindowLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit.PermitLimit),
            Window = limit.Window > TimeSpan.Zero ? limit.Window : TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"Too many bookings from this client; try again in {seconds} s.",
                },
            });
            return;
        }
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Please wait a moment · Hotel</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main class="page"><h1>Please wait a moment</h1>
            <p id="rate-limited">We received a lot of booking attempts from your connection in a short time. Please try again in {seconds} seconds.</p>
            <p><a href="/">Back to the search</a></p></main></body></html>
            """, ct);
    }
}
