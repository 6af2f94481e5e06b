namespace Hotel.Booking.IntegrationEvents;

using Hotel.Eventing;

/// <summary>
/// Booking's own copy of notifications' EmailSent (topic email.events, key = booking id), with the fields booking
/// reads: the guest website shows "confirmation e-mail sent" when <see cref="Kind"/> is "confirmation".
/// </summary>
public sealed record EmailSentIntegrationEvent(Guid BookingId, string BookingReference, string Kind, DateTimeOffset SentAt) : IntegrationEvent
{
    public const string ConfirmationKind = "confirmation";
}
