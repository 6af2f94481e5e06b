namespace Hotel.Booking.Website;

/// <summary>Where the guest website sends the card form, and what it calls itself.</summary>
public sealed class WebsiteOptions
{
    /// <summary><c>Services:Billing</c>: billing's public base URL; the card form posts to <c>{this}/payment-methods/form</c>.</summary>
    public Uri BillingBaseUrl { get; set; } = new("http://127.0.0.1:5200");

    /// <summary>
    /// <c>Booking:PublicBaseUrl</c>: this site's public base URL, for the return address billing redirects the guest to.
    /// Unset: the scheme and host of the request. Billing only redirects to origins in its own allow-list either way.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Lists the sandbox test cards on the card form (Development only).</summary>
    public bool ShowTestCards { get; set; }

    public string BaseUrlOf(HttpRequest request) =>
        (PublicBaseUrl?.ToString() ?? $"{request.Scheme}://{request.Host}").TrimEnd('/');
}

/// <summary>
/// Section <c>RateLimiting</c>: fixed windows per client (remote IP address). Website: the guest-details form and
/// the checkout step that places the booking, shared. Api: <c>POST /api/bookings</c>.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";
    public const string WebsitePolicy = "booking-website";
    public const string ApiPolicy = "booking-api";

    /// <summary>60 a minute: far more than a person booking rooms needs, few enough to stop a script hammering the form.</summary>
    public WindowLimit Website { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// 1,200 a second: the API serves trusted integrations and <c>./hotel bench</c> (thousands of bookings from one
    /// address), so the default only stops a runaway client; deployments lower it per partner.
    /// </summary>
    public WindowLimit Api { get; set; } = new() { PermitLimit = 1200, Window = TimeSpan.FromSeconds(1) };

    public sealed class WindowLimit
    {
        public int PermitLimit { get; set; }
        public TimeSpan Window { get; set; }
    }
}
