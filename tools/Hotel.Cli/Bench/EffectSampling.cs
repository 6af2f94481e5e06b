using System.Collections.Concurrent;

namespace Hotel.Cli.Bench;

/// <summary>Pairs each commit with its effects: arrival on <c>booking.events</c>, application by each consumer of its type, and the mails.</summary>
public static class EffectSampling
{
    public const string BookingEvents = "booking.events (relay)";
    public const string ConfirmationMail = "confirmation mail accepted";
    public const string ReceiptMail = "receipt mail accepted";
    public const string ReceiptFromBooking = "receipt mail, from the booking's commit";

    public static string AppliedBy(string consumer) => $"applied by {consumer}";

    public static List<EffectSamples> Build(EffectsSnapshot snapshot, IReadOnlyDictionary<string, HashSet<string>> consumedTypes,
        ConcurrentDictionary<Guid, DateTime> bookingEventArrivals)
    {
        var effects = new List<EffectSamples>();
        var bookings = snapshot.Commits.Where(c => c.AggregateType == "booking").ToList();
        effects.Add(Pair(BookingEvents, bookings, c => bookingEventArrivals.TryGetValue(c.Id, out var at) ? at : null));

        foreach (var (consumer, applied) in snapshot.AppliedByConsumer.OrderBy(c => c.Key))
        {
            var types = consumedTypes.GetValueOrDefault(consumer) ?? [];
            var at = applied.GroupBy(a => a.EventId).ToDictionary(g => g.Key, g => g.Min(a => a.At));
            effects.Add(Pair(AppliedBy(consumer), snapshot.Commits.Where(c => types.Contains(c.Type)), c => at.TryGetValue(c.Id, out var t) ? t : null));
        }

        if (snapshot.AppliedByConsumer.ContainsKey("notifications"))
        {
            var mails = snapshot.Mails.ToLookup(m => (m.Kind, m.EventId));
            var placed = bookings.Where(c => c.Type == "BookingPlaced").ToList();
            var captured = snapshot.Commits.Where(c => c.Type == "PaymentCaptured").ToList();
            // The confirmation is sent when the payment is captured, queued against that event; the guest waits for it
            // from the booking's commit, so that is where its latency starts.
            var capturedOf = captured.GroupBy(c => c.AggregateId).ToDictionary(g => g.Key, g => g.First().Id);
            effects.Add(Pair(ConfirmationMail, placed, c => capturedOf.TryGetValue(c.AggregateId, out var capturedId)
                ? First(mails[(SuiteEffects.Confirmation, capturedId)]) : null));
            effects.Add(Pair(ReceiptMail, captured, c => First(mails[(SuiteEffects.Receipt, c.Id)])));
            // The receipt as the guest sees it: from the booking's commit (the payment's aggregate is the booking).
            var placedAt = placed.GroupBy(c => c.AggregateId).ToDictionary(g => g.Key, g => g.First().CommittedAt);
            effects.Add(new EffectSamples(ReceiptFromBooking, captured.Where(c => placedAt.ContainsKey(c.AggregateId))
                .Select(c => new EffectSample(placedAt[c.AggregateId], First(mails[(SuiteEffects.Receipt, c.Id)]), c.Type)).ToList()));
        }
        return effects;
    }

    private static DateTime? First(IEnumerable<MailAccepted> mails) => mails.Select(m => (DateTime?)m.At).FirstOrDefault();

    private static EffectSamples Pair(string name, IEnumerable<EventCommit> commits, Func<EventCommit, DateTime?> doneAt) =>
        new(name, commits.Select(c => new EffectSample(c.CommittedAt, doneAt(c), c.Type)).ToList());
}
