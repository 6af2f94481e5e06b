namespace Hotel.Notifications.Mail;

using System.Diagnostics;

/// <summary>
/// One entry of the mail ledger, and the durable queue the sender works from. The ledger key is
/// (<see cref="EventId"/>, <see cref="Kind"/>): one event yields at most one mail of a kind, and the
/// Message-ID is derived from that key, so a re-send after a crash carries the same Message-ID.
/// </summary>
public sealed class Email
{
    public Guid Id { get; set; }

    /// <summary>The event that asked for this mail (for a resend: the id of the resend request).</summary>
    public Guid EventId { get; set; }

    public MailKind Kind { get; set; }
    public Guid BookingId { get; set; }
    public required string BookingReference { get; set; }
    public EmailStatus Status { get; set; }

    /// <summary>The guest's address, known once the booking is in the view.</summary>
    public string? To { get; set; }

    public string? Subject { get; set; }
    public required string MessageId { get; set; }

    /// <summary>What the event said that the booking view does not hold (amounts, card, reason), as JSON.</summary>
    public string? Data { get; set; }

    public bool Resend { get; set; }
    public Guid? ResendOf { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the event that asked for the mail happened (its <c>occurredAt</c>): the start of commit→accept latency.</summary>
    public DateTimeOffset? EventOccurredAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>W3C traceparent of the event's processing: the send continues that trace, and so does its EmailSent event.</summary>
    public string? TraceParent { get; set; }
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>The span running now (the event's processing, an agent's request), when traced.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    public static string MessageIdFor(Guid eventId, MailKind kind) =>
        $"{kind.ToString().ToLowerInvariant()}.{eventId:N}@notifications.hotel.local";
}

public enum MailKind { Confirmation, Receipt, PaymentFailed, PaymentHeld, Cancellation, Refund }

public enum EmailStatus
{
    /// <summary>The event arrived before its booking: waits (in the database) until the booking is in the view.</summary>
    AwaitingBooking,

    /// <summary>Ready, or waiting for the next attempt after an outage or a 4xx reply.</summary>
    Pending,

    /// <summary>The SMTP server accepted it.</summary>
    Sent,

    /// <summary>The SMTP server refused it for good (5xx), or it could not be rendered; see <see cref="Email.LastError"/>.</summary>
    Failed,
}
