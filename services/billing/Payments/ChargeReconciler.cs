namespace Hotel.Billing.Payments;

using Hotel.Billing.Gateways;
using Hotel.Billing.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary>
/// Finds charges the gateway made that billing's payments do not record — the crash window between a charge and the commit of
/// its payment row when the event is never applied again (dead-lettered), or money that moved after billing gave a payment up or
/// voided it — and settles each through <see cref="PaymentProcessor.SettleUnrecordedChargeAsync"/>: recorded and kept when the
/// booking stands, refunded when it was cancelled. Runs at startup and every <see cref="PaymentsOptions.ReconcileInterval"/>, and
/// logs what it did.
/// </summary>
public sealed class ChargeReconciler(IServiceScopeFactory scopes, IPaymentGateway gateway, IOptions<PaymentsOptions> options, TimeProvider clock,
    ILogger<ChargeReconciler> logger) : BackgroundService
{
    private const int ChunkSize = 500;

    /// <summary>Where the next run starts listing: every charge made before it was looked at (restart: the whole lookback).</summary>
    private DateTimeOffset? _listFrom;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, clock);
        do
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Reconciling the gateway's charges failed; trying again in {Interval}", options.Value.ReconcileInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns what was settled, in words (also logged).</summary>
    public async Task<IReadOnlyList<string>> ReconcileAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var since = _listFrom ?? now - o.ReconcileLookback;
        var settledBefore = now - o.ReconcileAfter; // younger charges may still be committing their payment row
        var nextFrom = settledBefore;
        var notes = new List<string>();
        var listed = 0;
        var chunk = new List<GatewayCharge>(ChunkSize);
        await foreach (var charge in gateway.ListChargesAsync(since, ct))
        {
            if (charge.Metadata is null || charge.CreatedAt > settledBefore) continue;
            listed++;
            chunk.Add(charge);
            if (chunk.Count == ChunkSize) nextFrom = Min(nextFrom, await SettleAsync(chunk, notes, ct));
        }
        nextFrom = Min(nextFrom, await SettleAsync(chunk, notes, ct));
        _listFrom = nextFrom;
        if (notes.Count > 0)
            logger.LogWarning("Reconciled {Listed} gateway charges since {Since:O}: {Settled} settled", listed, since, notes.Count);
        else
            logger.LogInformation("Reconciled {Listed} gateway charges since {Since:O}: every one recorded", listed, since);
        return notes;
    }

    /// <summary>Settles the chunk's charges that no payment records; returns the earliest one left for the next run (or MaxValue).</summary>
    private async Task<DateTimeOffset> SettleAsync(List<GatewayCharge> chunk, List<string> notes, CancellationToken ct)
    {
        var leftFrom = DateTimeOffset.MaxValue;
        if (chunk.Count == 0) return leftFrom;
        HashSet<Guid> recorded;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BillingDbContext>();
            var ids = chunk.Select(c => c.Metadata!.BookingId).ToList();
            recorded = (await db.Payments.AsNoTracking()
                .Where(p => ids.Contains(p.BookingId) && p.Status != PaymentStatus.Failed && p.Status != PaymentStatus.Cancelled)
                .Select(p => p.BookingId).ToListAsync(ct)).ToHashSet();
        }
        foreach (var charge in chunk.Where(c => !recorded.Contains(c.Metadata!.BookingId)))
        {
            try
            {
                if (await SettleOneAsync(charge, ct) is not { } settlement) continue;
                notes.Add(settlement.What);
                if (settlement.LeftForNextRun) leftFrom = Min(leftFrom, charge.CreatedAt);
                logger.LogWarning("Reconciler: {What}", settlement.What);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                leftFrom = Min(leftFrom, charge.CreatedAt);
                logger.LogWarning(e, "Reconciler: charge {Reference} of booking {BookingId} could not be settled; trying again next run",
                    charge.Reference, charge.Metadata!.BookingId);
            }
        }
        chunk.Clear();
        return leftFrom;
    }

    private async Task<UnrecordedChargeSettlement?> SettleOneAsync(GatewayCharge charge, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BillingDbContext>();
        var payments = scope.ServiceProvider.GetRequiredService<PaymentProcessor>();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var settlement = await payments.SettleUnrecordedChargeAsync(charge, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return settlement;
        });
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
