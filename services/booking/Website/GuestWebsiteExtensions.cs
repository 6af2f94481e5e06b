namespace Hotel.Booking.Website;

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
        builder.AddTrustedProxies();

        builder.AddBookingRateLimits();
        return builder;
    }

    /// <summary>Forwarded headers from trusted proxies, static files and the rate limiter; call after the exception handler.</summary>
    public static WebApplication UseGuestWebsite(this WebApplication app)
    {
        app.UseTrustedProxies();
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
}
