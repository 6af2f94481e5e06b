namespace Hotel.Booking.Payments;

using Hotel.Booking.Bookings;
using Hotel.Booking.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary>Section <c>Booking:Payments</c>.</summary>
public sealed class UnpaidBookingOptions
{
    public const string Section = "Booking:Payments";

    /// <summary>How long after it was placed a booking may stay unpaid (Placed with no capture, or PaymentFailed).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a booking whose charge failed keeps its nights (counted from when it was placed); default: <see cref="GracePeriod"/>.
    /// Billing charges a booking once, so a failed booking never becomes paid: the guest website tells the guest to book
    /// again, and a short value here gives the room back quickly.
    /// </summary>
    public TimeSpan? FailedGracePeriod { get; set; }

    /// <summary>
    /// A booking whose payment billing reports pending (PaymentPending) is kept until billing's own deadline, but never longer than
    /// this after it was placed: then it is cancelled like any unpaid one (billing voids the charge on the cancellation).
    /// </summary>
    public TimeSpan MaxPendingPeriod { get; set; } = TimeSpan.FromHours(3);

    /// <summary>How often the sweep runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Cancels bookings left unpaid past the grace period: their nights are released and BookingCancelled is
/// written as for any cancellation (billing then makes sure nothing is charged). Each booking is cancelled
/// in its own transaction under its row lock, re-checked there, so a capture that lands meanwhile wins.
/// </summary>
public sealed class UnpaidBookingCanceller(IServiceScopeFactory scopes, IOptions<UnpaidBookingOptions> options, TimeProvider time,
    ILogger<UnpaidBookingCanceller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Sweeping unpaid bookings failed; trying again in {Interval}", options.Value.SweepInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var cutoff = now - options.Value.GracePeriod;
        var failedCutoff = now - (options.Value.FailedGracePeriod ?? options.Value.GracePeriod);
        var pendingCutoff = now - options.Value.MaxPendingPeriod;
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            due = await db.Bookings.AsNoTracking()
                .Where(b => (b.Status == BookingStatus.Placed && b.PlacedAt < cutoff
                        && (b.PaymentPendingUntil == null || b.PaymentPendingUntil < now || b.PlacedAt < pendingCutoff))
                    || (b.Status == BookingStatus.PaymentFailed && b.PlacedAt < failedCutoff))
                .OrderBy(b => b.PlacedAt).Select(b => b.Id).Take(500).ToListAsync(ct);
        }
        var cancelled = 0;
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<BookingService>().CancelUnpaidAsync(id, cutoff, failedCutoff, pendingCutoff, ct)) cancelled++;
        }
        return cancelled;
    }
}
