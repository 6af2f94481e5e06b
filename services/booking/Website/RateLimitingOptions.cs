namespace Hotel.Booking.Website;

using Hotel.ServiceDefaults;

/// <summary>
/// Section <c>RateLimiting</c>: limits per client (remote address; behind a proxy only if it is listed in
/// <c>ForwardedHeaders</c>). Every request but health checks counts against <see cref="Requests"/>; the endpoints
/// below against their own limit as well.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";
    public const string WebsitePolicy = "booking-website";
    public const string ApiPolicy = "booking-api";
    public const string BookingAccessPolicy = "booking-access";
    public const string LiveStatusPolicy = "booking-live-status";

    /// <summary>Every page, API call and stream opened: 600 a minute, ten a second, more than any browser needs.</summary>
    public WindowLimit Requests { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    /// <summary>The guest-details form and the checkout step that places the booking, shared: 60 a minute.</summary>
    public WindowLimit Website { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// <c>POST /api/bookings</c>, <c>GET /api/bookings/{reference}</c> and its cancel, shared: 60 a minute (each
    /// booking holds inventory and sends mail). <c>./hotel bench</c> raises it for its one client address.
    /// </summary>
    public WindowLimit Api { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Posts to a booking's page (the e-mail form that opens it, cancel): 10 a minute, so e-mails cannot be guessed.</summary>
    public WindowLimit BookingAccess { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Live-status streams (server-sent events) a client may hold open at once: 4.</summary>
    public int LiveStatusStreams { get; set; } = 4;
}
