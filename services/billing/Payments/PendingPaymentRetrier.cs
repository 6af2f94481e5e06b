namespace Hotel.Billing.Payments;

using Hotel.Billing.Infrastructure;
using Hotel.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The durable retry of pending payments (<see cref="PaymentStatus.Pending"/>, due at <see cref="Payment.NextAttemptAt"/>).
/// Idle unless something is due: it LISTENs on a connection of its own and sleeps until the earliest due payment, or until a
/// payment becomes pending (<see cref="NotifySql"/> in that payment's transaction, delivered on commit to every billing
/// instance); with no pending payment it runs no query at all. Each due payment is claimed with FOR UPDATE SKIP LOCKED in a
/// transaction of its own, so instances share the work and a cancellation of the booking waits for the attempt's outcome.
/// </summary>
public sealed class PendingPaymentRetrier(IServiceScopeFactory scopes, TimeProvider clock, ILogger<PendingPaymentRetrier> logger) : BackgroundService
{
    public const string Channel = "billing_payment_pending";
    public const string NotifySql = "SELECT pg_notify('" + Channel + "', '')";

    /// <summary>How long to wait when every due payment is being retried by another instance (its row is locked).</summary>
    private static readonly TimeSpan LockedElsewhereWait = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = await DatabaseListener.ListenAsync<BillingDbContext>(scopes, Channel, stoppingToken);
                while (true)
                {
                    var next = await RetryDueAsync(stoppingToken);
                    failures = 0;
                    if (next is null)
                    {
                        await listener.WaitAsync(stoppingToken); // nothing pending: only a new pending payment wakes us
                        continue;
                    }
                    var wait = next.Value - clock.GetUtcNow();
                    await listener.WaitAtMostAsync(wait > TimeSpan.Zero ? wait : LockedElsewhereWait, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database restarting, say: wait it out, then listen again and look at what is due.
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures++)));
                logger.LogWarning(e, "Retrying pending payments failed; trying again in {Delay}", delay);
                try
                {
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
    /// <summary>Retries every due payment; returns when the next pending one is due, or null when none is pending.</summary>
    public async Task<DateTimeOffset?> RetryDueAsync(CancellationToken ct)
    {
        while (await RetryOneAsync(ct)) { }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BillingDbContext>();
        return await db.Payments.Where(p => p.Status == PaymentStatus.Pending).MinAsync(p => p.NextAttemptAt, ct);
    }

    private async Task<bool> RetryOneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BillingDbContext>();
        var payments = scope.ServiceProvider.GetRequiredService<PaymentProcessor>();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var payment = await db.Payments
                .Where(p => p.Status == PaymentStatus.Pending && p.NextAttemptAt <= now)
                .OrderBy(p => p.NextAttemptAt).WithRowLock(RowLock.ForUpdateSkipLocked)
                .FirstOrDefaultAsync(ct);
            if (payment is null) return false;
            await payments.RetryPendingAsync(payment, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            if (payment.Status != PaymentStatus.Pending)
                logger.LogInformation("Pending payment of booking {Reference} settled as {Status} after {Attempts} retries",
                    payment.BookingReference, payment.Status, payment.PendingAttempts);
            return true;
        });
    }
}
