namespace Hotel.Notifications.Sending;

using System.Diagnostics.Metrics;
using Hotel.Notifications.Infrastructure;
using Hotel.Notifications.Mail;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// <c>hotel.notifications.emails_pending</c> (ready or waiting for a retry) and <c>hotel.notifications.emails_awaiting_booking</c>:
/// how many mails the ledger holds unsent, counted in the database (one indexed count) only when a collector reads
/// the metrics (every 5 s under ./hotel run; never without an OTLP endpoint), and at most once a second.
/// </summary>
public sealed class MailQueueMetrics
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private (long Pending, long Awaiting, DateTimeOffset At)? _last;

    public MailQueueMetrics(IServiceScopeFactory scopes, IMeterFactory meters, TimeProvider clock)
    {
        _scopes = scopes;
        _clock = clock;
        Meter = meters.Create("Hotel");
        Meter.CreateObservableGauge("hotel.notifications.emails_pending", () => Count().Pending, "{email}",
            "Mails in the ledger not sent yet: due now or waiting for their next attempt");
        Meter.CreateObservableGauge("hotel.notifications.emails_awaiting_booking", () => Count().Awaiting, "{email}",
            "Mails whose event arrived before its booking: they wait for it");
    }

    /// <summary>This service's meter (one per service instance, so two in one test process stay apart).</summary>
    public Meter Meter { get; }

    public (long Pending, long Awaiting) Count()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_last is { } last && now - last.At < MaxAge) return (last.Pending, last.Awaiting);
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            var counts = db.Emails.Where(e => e.Status == EmailStatus.Pending || e.Status == EmailStatus.AwaitingBooking)
                .GroupBy(e => e.Status).Select(g => new { Status = g.Key, Count = g.LongCount() }).ToList();
            _last = (counts.FirstOrDefault(c => c.Status == EmailStatus.Pending)?.Count ?? 0,
                counts.FirstOrDefault(c => c.Status == EmailStatus.AwaitingBooking)?.Count ?? 0, now);
            return (_last.Value.Pending, _last.Value.Awaiting);
        }
    }
}
