namespace Hotel.Booking.Website;

using System.Threading.RateLimiting;
using Hotel.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;

/// <summary>The rate limits of the booking API and the guest website (<see cref="RateLimitingOptions"/>); 429 with Retry-After.</summary>
public static class BookingRateLimits
{
    public static IHostApplicationBuilder AddBookingRateLimits(this IHostApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        builder.Services.AddRateLimiter(options =>
        {
            // Health probes come from the orchestrator's one address and must never be refused.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("health")
                    : ClientRateLimits.FixedWindow(context, limits.Requests));
            options.AddPolicy(RateLimitingOptions.WebsitePolicy, context => ClientRateLimits.FixedWindow(context, limits.Website));
            options.AddPolicy(RateLimitingOptions.ApiPolicy, context => ClientRateLimits.FixedWindow(context, limits.Api));
            // A Razor page takes a policy for all its handlers: only its posts (e-mail form, cancel) count here.
            options.AddPolicy(RateLimitingOptions.BookingAccessPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? ClientRateLimits.FixedWindow(context, limits.BookingAccess)
                : RateLimitPartition.GetNoLimiter(""));
            options.AddPolicy(RateLimitingOptions.LiveStatusPolicy, context => ClientRateLimits.Concurrent(context, limits.LiveStatusStreams));
            options.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var seconds = ClientRateLimits.Reject(rejected, fallback: TimeSpan.FromSeconds(10));
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Headers.Accept.ToString().Contains("text/event-stream"))
        {
            await ClientRateLimits.WriteProblemAsync(context, $"Too many requests from this client; try again in {seconds} s.");
            return;
        }
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Please wait a moment · Hotel</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main class="page"><h1>Please wait a moment</h1>
            <p id="rate-limited">We received a lot of requests from your connection in a short time. Please try again in {seconds} seconds.</p>
            <p><a href="/">Back to the search</a></p></main></body></html>
            """, ct);
    }
}
