namespace Hotel.Billing.Fraud;

using Hotel.Billing.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary>Section <c>Fraud</c>: the velocity rules' thresholds and windows.</summary>
public sealed class FraudOptions
{
    public const string Section = "Fraud";

    /// <summary>More than this many bookings on one card fingerprint within <see cref="CardWindow"/> holds the payment.</summary>
    public int MaxBookingsPerCard { get; set; } = 5;

    public TimeSpan CardWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>One card used under more than this many different guest e-mails within <see cref="EmailWindow"/> holds the payment.</summary>
    public int MaxEmailsPerCard { get; set; } = 3;

    public TimeSpan EmailWindow { get; set; } = TimeSpan.FromHours(1);
}

public sealed record FraudVerdict(string Rule, string Reason);

/// <summary>
/// Velocity rules over sliding windows, kept in billing's own state (<c>fraud_observations</c>). Windows are
/// measured in event time — the BookingPlaced's own <c>occurredAt</c> — never the clock at processing, so a
/// replay or a late consumer reaches the same verdicts. A window is (t − length, t]: the booking itself and
/// those before it in event time.
/// </summary>
public sealed class FraudScreening(BillingDbContext db, IOptions<FraudOptions> options)
{
    public const string CardVelocityRule = "card_velocity";
    public const string CardEmailVelocityRule = "card_email_velocity";

    /// <summary>Records the booking as an observation (once per booking id) and returns the first rule it breaks, or null.</summary>
    public async Task<FraudVerdict?> ScreenAsync(Guid bookingId, string fingerprint, string guestEmail, DateTimeOffset occurredAt, CancellationToken ct)
    {
        var rules = options.Value;
        var email = guestEmail.Trim().ToLowerInvariant();
        // Bookings on different partitions are applied at once: one card's bookings take turns here, so each counts
        // the ones before it (held until the consumer's transaction ends).
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({fingerprint}, 0))", ct);
        if (!await db.FraudObservations.AnyAsync(o => o.BookingId == bookingId, ct))
        {
            db.FraudObservations.Add(new FraudObservation { BookingId = bookingId, Fingerprint = fingerprint, GuestEmail = email, OccurredAt = occurredAt });
            await db.SaveChangesAsync(ct);
        }

        var cardFrom = occurredAt - rules.CardWindow;
        // Counting stops one past the limit: whether a rule fires never costs more than that many rows,
        // however busy the card.
        var onCard = await db.FraudObservations
            .Where(o => o.Fingerprint == fingerprint && o.OccurredAt > cardFrom && o.OccurredAt <= occurredAt)
            .Take(rules.MaxBookingsPerCard + 1).CountAsync(ct);
        if (onCard > rules.MaxBookingsPerCard)
            return new FraudVerdict(CardVelocityRule,
                $"More than {rules.MaxBookingsPerCard} bookings on the same card within {rules.CardWindow.TotalMinutes:0.#} minutes.");

        var emailFrom = occurredAt - rules.EmailWindow;
        var emails = await db.FraudObservations
            .Where(o => o.Fingerprint == fingerprint && o.OccurredAt > emailFrom && o.OccurredAt <= occurredAt)
            .Select(o => o.GuestEmail).Distinct().Take(rules.MaxEmailsPerCard + 1).CountAsync(ct);
        if (emails > rules.MaxEmailsPerCard)
            return new FraudVerdict(CardEmailVelocityRule,
                $"The same card under more than {rules.MaxEmailsPerCard} guest e-mails within {rules.EmailWindow.TotalMinutes:0.#} minutes.");
        return null;
    }
}
