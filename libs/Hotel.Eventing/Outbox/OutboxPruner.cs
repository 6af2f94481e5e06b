using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hotel.Eventing.Outbox;

/// <summary>
/// Deletes the service's outbox rows older than <see cref="OutboxPruningOptions.RetentionDays"/>, at start and then
/// every <see cref="OutboxPruningOptions.PruneInterval"/>: one statement per interval, so an idle service stays idle.
/// Debezium reads the rows from the WAL when they are inserted, and its connectors capture inserts only (a delete
/// is not routed: no tombstones), so pruning never loses an event.
/// </summary>
public sealed class OutboxPruner<TDbContext>(IServiceScopeFactory scopes, OutboxPruningOptions options, ILogger<OutboxPruner<TDbContext>> logger)
    : BackgroundService where TDbContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PruneInterval);
        do
        {
            try { await PruneAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) when (TransientFailures.IsTransient(e))
            {
                logger.LogWarning("Outbox not pruned ({Reason}); trying again in {Interval}", e.Message, options.PruneInterval);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Outbox not pruned; trying again in {Interval}", options.PruneInterval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var seconds = options.RetentionDays * 86400.0;
        var deleted = await db.Database.ExecuteSqlAsync(
            $"DELETE FROM outbox WHERE timestamp < now() - make_interval(secs => {seconds})", ct);
        if (deleted > 0)
            logger.LogInformation("Pruned {Count} outbox rows older than {Days} days", deleted, options.RetentionDays);
        return deleted;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
