namespace Hotel.CustomerCare.Pages.Guests;

using Hotel.CustomerCare.Actions;
using Hotel.CustomerCare.Auth;
using Hotel.CustomerCare.Rebuild;
using Hotel.CustomerCare.View;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

public sealed class DetailsModel(ViewQueries view, ViewConsumer consumer, IAuthorizationService authorization, ILogger<DetailsModel> logger) : PageModel
{
    public GuestDetails Guest { get; private set; } = null!;
    public Freshness Freshness { get; private set; } = null!;

    [TempData] public string? Message { get; set; }
    [TempData] public bool MessageOk { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await view.GuestAsync(id, ct) is not { } guest) return NotFound();
        Guest = guest;
        Freshness = await view.FreshnessAsync(consumer.Lag(), consumer.CurrentGroupId, ct);
        return Page();
    }

    /// <summary>The guest's header and bookings only: what the page's script swaps in when the live feed mentions this guest.</summary>
    public async Task<IActionResult> OnGetBodyAsync(Guid id, CancellationToken ct) =>
        await view.GuestAsync(id, ct) is { } guest ? Partial("_GuestBody", guest) : NotFound();

    public async Task<IActionResult> OnPostResendAsync(Guid id, string reference, [FromServices] NotificationsClient notifications, CancellationToken ct)
    {
        if (await BookingOfGuestAsync(id, reference, ct) is not { } booking) return NotFound();
        var result = await notifications.ResendConfirmationAsync(booking.Reference, ct);
        logger.LogInformation("{Agent} asked to resend the confirmation of {Reference}: {Ok}", User.Identity?.Name, booking.Reference, result.Ok);
        (Message, MessageOk) = (result.Message, result.Ok);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, string reference, string? reason, [FromServices] BookingClient bookings, CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, Policies.Supervisor)).Succeeded) return Forbid();
        if (await BookingOfGuestAsync(id, reference, ct) is not { } booking || booking.GuestEmail is null) return NotFound();
        var why = string.IsNullOrWhiteSpace(reason) ? $"Cancelled by customer care ({User.Identity?.Name})" : reason.Trim();
        if (why.Length > 500) why = why[..500];
        var result = await bookings.CancelAsync(booking.Reference, booking.GuestEmail, why, ct);
        logger.LogInformation("{Agent} cancelled {Reference}: {Ok}", User.Identity?.Name, booking.Reference, result.Ok);
        (Message, MessageOk) = (result.Message, result.Ok);
        return RedirectToPage(new { id });
    }

    private async Task<BookingDetails?> BookingOfGuestAsync(Guid guestId, string? reference, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reference)) return null;
        var booking = await view.BookingAsync(reference, ct);
        return booking?.GuestId == guestId ? booking : null;
    }
}
