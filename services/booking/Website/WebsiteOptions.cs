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
