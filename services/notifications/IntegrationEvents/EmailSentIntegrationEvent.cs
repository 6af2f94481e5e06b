namespace Hotel.Notifications.IntegrationEvents;

using Hotel.Eventing;

/// <summary>
/// <c>email.events</c> (key = booking id): the SMTP server accepted a mail. Lets the agent UI show
/// "confirmation sent at 12:01:03". Written through notifications' outbox in the same transaction that
/// marks the ledger entry sent.
/// </summary>
public sealed record EmailSentIntegrationEvent(
    Guid BookingId,
    string BookingReference,
    string Kind,
    string To,
    DateTimeOffset SentAt,
    string MessageId,
    bool Resend) : IntegrationEvent;
