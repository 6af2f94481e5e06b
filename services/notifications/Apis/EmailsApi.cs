namespace Hotel.Notifications.Apis;

using Hotel.Notifications.Infrastructure;
using Hotel.Notifications.Mail;
using Hotel.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

public static class EmailsApi
{
    public static RouteGroupBuilder MapEmailsApi(this IEndpointRouteBuilder app)
    {
        // Guests' e-mail addresses and booking references: for known callers only (ApiKeys), never the public.
        var api = app.MapGroup("/api/emails").WithTags("Emails").RequireApiCaller();
        api.MapGet("/", ListEmails)
            .WithSummary("What was sent (or is pending, waiting, failed) for a booking, oldest first; or every entry of one status, e.g. ?status=Failed. Needs an API key.");
        api.MapPost("/resend", Resend)
            .WithSummary("Sends a booking's confirmation again (a new ledger entry, marked as a resend); 409 when it never had one (no captured payment). Needs an API key.");
        return api;
    }

    public static async Task<Results<Ok<List<EmailEntry>>, ValidationProblem>> ListEmails(
        [FromQuery] string? bookingReference, [FromQuery] string? status, NotificationsDbContext db, CancellationToken ct)
    {
        EmailStatus? statusFilter = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<EmailStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["status"] = [$"One of {string.Join(", ", Enum.GetNames<EmailStatus>())}."] });
            statusFilter = parsed;
        }
        if (string.IsNullOrWhiteSpace(bookingReference) && statusFilter is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            { ["bookingReference"] = ["Give a booking reference (or a status)."] });

        var query = db.Emails.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(bookingReference))
        {
            var reference = bookingReference.Trim().ToUpperInvariant();
            query = query.Where(e => e.BookingReference == reference);
        }
        if (statusFilter is { } s) query = query.Where(e => e.Status == s);
        var rows = await query.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(EmailEntry.From).ToList());
    }

    public static async Task<Results<Accepted<EmailEntry>, ValidationProblem, ProblemHttpResult>> Resend(
        ResendRequest request, NotificationsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.BookingReference))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bookingReference"] = ["Required."] });
        if (request.Kind is { } kind && !string.Equals(kind, nameof(MailKind.Confirmation), StringComparison.OrdinalIgnoreCase))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = ["Only a Confirmation can be re-sent."] });

        var reference = request.BookingReference.Trim().ToUpperInvariant();
        var booking = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Reference == reference, ct);
        if (booking is null)
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Not found",
                Detail = $"No booking {reference} has reached notifications.",
            });

        var original = await db.Emails.AsNoTracking()
            .Where(e => e.BookingId == booking.BookingId && e.Kind == MailKind.Confirmation && !e.Resend)
            .Select(e => (Guid?)e.Id).FirstOrDefaultAsync(ct);
        // A confirmation goes out only once the payment is captured; a booking without one has nothing to confirm.
        if (original is null)
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "No confirmation to send again",
                Detail = $"{reference} has had no confirmation: it is sent when the payment is captured.",
            });
        var resendId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var email = new Email
        {
            Id = Guid.CreateVersion7(),
            EventId = resendId, // the resend request is its own event: a new ledger key, a new Message-ID
            Kind = MailKind.Confirmation,
            BookingId = booking.BookingId,
            BookingReference = booking.Reference,
            Status = EmailStatus.Pending,
            To = booking.GuestEmail,
            MessageId = Email.MessageIdFor(resendId, MailKind.Confirmation),
            Resend = true,
            ResendOf = original,
            NextAttemptAt = now,
            CreatedAt = now,
            TraceParent = Email.CurrentTraceParent(),
        };
        db.Emails.Add(email);
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/emails?bookingReference={booking.Reference}", EmailEntry.From(email));
    }
}

public sealed record ResendRequest(string? BookingReference, string? Kind);

public sealed record EmailEntry(
    Guid Id, Guid EventId, string Kind, string Status, string BookingReference, string? To, string? Subject, string MessageId,
    bool Resend, Guid? ResendOf, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? SentAt, DateTimeOffset? FailedAt)
{
    public static EmailEntry From(Email e) => new(
        e.Id, e.EventId, e.Kind.ToString(), e.Status.ToString(), e.BookingReference, e.To, e.Subject, e.MessageId,
        e.Resend, e.ResendOf, e.Attempts, e.LastError, e.CreatedAt,
        e.Status is EmailStatus.Pending ? e.NextAttemptAt : null, e.SentAt, e.FailedAt);
}
