namespace Hotel.Booking.Website;

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Hotel.Booking.Bookings;
using Hotel.Booking.Infrastructure;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// Where a booking stands, in the guest's words: booked → payment captured / failed / on hold → confirmation e-mail
/// sent. Built from the booking row, which booking's own consumers of payment.events and email.events keep current.
/// </summary>
public sealed record LiveStatus(
    string Reference,
    string Booking,   // "booked" | "cancelled"
    string Payment,   // "waiting" | "held" | "captured" | "failed" | "none"
    string Email,     // "waiting" | "sent"
    string Headline,
    string NextSteps,
    string PaymentText,
    string EmailText,
    bool Final)
{
    public static LiveStatus Of(Booking b)
    {
        var failed = b.PaymentFailureCode is not null;
        var email = b.ConfirmationEmailSentAt is { } sentAt ? "sent" : "waiting";
        var emailText = b.ConfirmationEmailSentAt is { } at
            ? $"Confirmation e-mail sent to {b.GuestEmail} at {at:HH:mm} UTC."
            : "Your confirmation e-mail is on its way.";

        if (b.Status == BookingStatus.Cancelled)
        {
            return failed
                ? new(b.Reference, "cancelled", "failed", email,
                    "This booking was cancelled because the payment did not go through.",
                    $"{FailureWords(b.PaymentFailureCode!)} Nothing was charged and the room has been released. Please book again with a different card.",
                    "Payment failed.", emailText, Final: true)
                : new(b.Reference, "cancelled", b.PaidAt is null ? "none" : "captured", email,
                    "This booking is cancelled.",
                    b.PaidAt is null
                        ? "Nothing was charged."
                        : "Any refund due goes back to the card you paid with; banks usually show it within 5–10 working days.",
                    b.PaidAt is null ? "No payment was taken." : "Payment was captured before the cancellation.", emailText, Final: true);
        }
        return b.Status switch
        {
            BookingStatus.Paid => new(b.Reference, "booked", "captured", email,
                "Your room is confirmed.",
                b.ConfirmationEmailSentAt is null ? "We have your payment. The confirmation e-mail will arrive in a moment." : "All done. See you soon!",
                $"Payment of {Pages.Format.Money(b.TotalAmount, b.Currency)} captured.", emailText, Final: b.ConfirmationEmailSentAt is not null),
            BookingStatus.PaymentFailed => new(b.Reference, "booked", "failed", email,
                "Your payment did not go through.",
                $"{FailureWords(b.PaymentFailureCode!)} Nothing was charged. We are releasing the room, so please book again with a different card.",
                "Payment failed.", emailText, Final: false),
            _ when b.PaymentHeldAt is not null => new(b.Reference, "booked", "held", email,
                "Your payment is on hold for a routine security check.",
                "Nothing has been charged yet and your room is held. Our payments team reviews held payments, usually within a few hours, " +
                "and this page updates when they finish. You do not need to do anything; if you would rather not wait, cancel below at no cost.",
                "Payment on hold for review.", emailText, Final: false),
            _ => new(b.Reference, "booked", "waiting", email,
                "Booked! We are taking the payment now.",
                "This usually takes a few seconds; this page updates by itself.",
                "Taking the payment…", emailText, Final: false),
        };
    }

    private static string FailureWords(string code) => code switch
    {
        "card_declined" => "Your bank declined the card.",
        "insufficient_funds" => "Your bank declined the card for insufficient funds.",
        "expired_card" => "The card has expired.",
        _ => "The card could not be charged.",
    };
}

public static class LiveStatusEndpoint
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(400);
    public static readonly TimeSpan MaxStream = TimeSpan.FromMinutes(10);

    /// <summary>
    /// <c>GET /bookings/{reference}/events</c>: server-sent events, one <c>status</c> event now and one whenever the
    /// booking's status changes, until it is final. Needs the same guest cookie as the page. It watches the booking
    /// row (a primary-key read every 400 ms), so it works whichever instance consumed the event.
    /// </summary>
    public static IEndpointRouteBuilder MapLiveStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/bookings/{reference}/events", (string reference, HttpContext context, GuestAccess access, BookingService bookings,
            IServiceScopeFactory scopes, IHostApplicationLifetime lifetime) =>
        {
            var email = access.EmailFor(context, reference);
            if (email is null) return Results.NotFound();
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.ServerSentEvents(StreamAsync(BookingReference.Normalize(reference), email, scopes,
                CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping).Token));
        }).RequireRateLimiting(RateLimitingOptions.LiveStatusPolicy).ExcludeFromDescription();
        return app;
    }

    private static async IAsyncEnumerable<SseItem<LiveStatus>> StreamAsync(string reference, string email, IServiceScopeFactory scopes,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var until = DateTime.UtcNow + MaxStream;
        LiveStatus? last = null;
        while (!ct.IsCancellationRequested && DateTime.UtcNow < until)
        {
            LiveStatus? now;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var booking = await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings.AsNoTracking()
                    .SingleOrDefaultAsync(b => b.Reference == reference, ct);
                now = booking is not null && booking.BelongsTo(email) ? LiveStatus.Of(booking) : null;
            }
            if (now is null) yield break;
            if (now != last)
            {
                last = now;
                yield return new SseItem<LiveStatus>(now, "status") { ReconnectionInterval = TimeSpan.FromSeconds(3) };
                if (now.Final) yield break;
            }
            try
            {
                await Task.Delay(PollInterval, ct);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
