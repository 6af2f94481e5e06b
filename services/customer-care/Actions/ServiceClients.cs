namespace Hotel.CustomerCare.Actions;

using System.Net.Http.Json;

/// <summary>Where the services an agent acts through live: <c>Services:Booking</c>, <c>Services:Notifications</c>.</summary>
public sealed class ServicesOptions
{
    public string Booking { get; set; } = "http://127.0.0.1:5100";
    public string Notifications { get; set; } = "http://127.0.0.1:5300";

    /// <summary>Customer care's key at notifications (there <c>ApiKeys:CustomerCare</c>), sent as <c>X-Api-Key</c>.</summary>
    public string? NotificationsApiKey { get; set; }

    /// <summary>Customer care's key at booking (there <c>ApiKeys:CustomerCare</c>): marks a cancellation as an agent's.</summary>
    public string? BookingApiKey { get; set; }
}

/// <summary>What an action's call answered, for the agent's message line.</summary>
public sealed record ActionResult(bool Ok, string Message);

/// <summary>The booking API: <c>POST /api/bookings/{reference}/cancel</c> with <c>{ email, reason }</c>.</summary>
public sealed class BookingClient(HttpClient http, ILogger<BookingClient> logger)
{
    public async Task<ActionResult> CancelAsync(string reference, string email, string reason, CancellationToken ct)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"/api/bookings/{Uri.EscapeDataString(reference)}/cancel", new { email, reason }, ct);
            if (response.IsSuccessStatusCode)
                return new(true, $"Booking {reference} cancelled; the view updates when the event arrives.");
            var body = await response.Content.ReadAsStringAsync(ct);
            logger.LogWarning("Cancelling {Reference} failed: {Status} {Body}", reference, (int)response.StatusCode, body);
            return new(false, $"The booking service refused to cancel {reference} ({(int)response.StatusCode}).");
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Booking service unreachable while cancelling {Reference}", reference);
            return new(false, "The booking service cannot be reached; try again shortly.");
        }
    }
}

/// <summary>Notifications' resend: <c>POST /api/emails/resend</c> with <c>{ bookingReference }</c> and customer care's API key.</summary>
public sealed class NotificationsClient(HttpClient http, ILogger<NotificationsClient> logger)
{
    public async Task<ActionResult> ResendConfirmationAsync(string reference, CancellationToken ct)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/emails/resend", new { bookingReference = reference, kind = "Confirmation" }, ct);
            if (response.IsSuccessStatusCode)
                return new(true, $"Confirmation of {reference} queued for sending again.");
            var body = await response.Content.ReadAsStringAsync(ct);
            logger.LogWarning("Resending the confirmation of {Reference} failed: {Status} {Body}", reference, (int)response.StatusCode, body);
            return new(false, $"Notifications refused to resend the confirmation of {reference} ({(int)response.StatusCode}).");
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Notifications unreachable while resending {Reference}", reference);
            return new(false, "The notifications service cannot be reached; try again shortly.");
        }
    }
}
