using System.Diagnostics;
using Confluent.Kafka;
using Hotel.Eventing.Inbox;
using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotel.Eventing.Consuming;

internal enum ApplyOutcome { Applied, Duplicate, Skipped, DeadLettered }

/// <summary>
/// Applies a run of messages from one partition, in offset order, exactly once. The whole run goes in
/// one scope and one transaction: one inbox lookup for all its ids, each handler dispatched and its
/// changes saved in turn (so a handler sees what the ones before it did), the inbox rows written
/// together, one commit. If the run fails, it is rolled back and applied again one message at a time,
/// each with bounded retries, so that a poison message is isolated and dead-lettered alone while the
/// others commit once, in order.
/// </summary>
internal sealed class EventBatchApplier<TDbContext>(
    IServiceScopeFactory scopes, EventConsumerOptions options, DeadLetterWriter<TDbContext> deadLetters, ILogger logger)
    where TDbContext : DbContext
{
    /// <returns>One outcome per message, in order. Throws <see cref="OperationCanceledException"/> when stopped part-way.</returns>
    public async Task<ApplyOutcome[]> ApplyAsync(IReadOnlyList<ConsumeResult<string?, string?>> results, CancellationToken ct)
    {
        var outcomes = new ApplyOutcome[results.Count];
        var toApply = new List<(int Index, ConsumedMessage Message)>(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var message = ConsumedMessage.Read(results[i], options);
            if (message.SkipReason is not null)
            {
                if (logger.IsEnabled(LogLevel.Debug))
                    logger.LogDebug("Skipping {TopicPartitionOffset}: {Reason}", message.Result.TopicPartitionOffset, message.SkipReason);
                outcomes[i] = ApplyOutcome.Skipped;
            }
            else if (message.Poison is not null)
            {
                await deadLetters.WriteAsync(message.Result, message.EventId, message.EventType, message.Poison, 1, ct);
                outcomes[i] = ApplyOutcome.DeadLettered;
            }
            else toApply.Add((i, message));
        }
        if (toApply.Count == 0) return outcomes;

        if (toApply.Count > 1)
        {
            try
            {
                var applied = await ApplyInOneTransactionAsync(toApply.Select(m => m.Message).ToList(), ct);
                for (var i = 0; i < toApply.Count; i++) outcomes[toApply[i].Index] = applied[i];
                return outcomes;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "A batch of {Count} messages from {TopicPartition} (offsets {First}..{Last}) failed; applying them one at a time",
                    toApply.Count, toApply[0].Message.Result.TopicPartition, toApply[0].Message.Result.Offset.Value, toApply[^1].Message.Result.Offset.Value);
            }
        }
        foreach (var (index, message) in toApply)
            outcomes[index] = await ApplyWithRetriesAsync(message, ct);
        return outcomes;
    }

    private async Task<ApplyOutcome> ApplyWithRetriesAsync(ConsumedMessage message, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await ApplyInOneTransactionAsync([message], ct))[0];
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (attempt >= options.MaxAttempts)
                {
                    await deadLetters.WriteAsync(message.Result, message.EventId, message.EventType, e, attempt, ct);
                    return ApplyOutcome.DeadLettered;
                }
                var delay = options.Backoff(attempt);
                logger.LogWarning(e, "Attempt {Attempt}/{MaxAttempts} of {EventType} {EventId} at {TopicPartitionOffset} failed; retrying in {Delay} ms",
                    attempt, options.MaxAttempts, message.EventType, message.EventId, message.Result.TopicPartitionOffset, delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    private async Task<ApplyOutcome[]> ApplyInOneTransactionAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        // A failure anywhere rolls the whole transaction back and is retried, so SaveChanges need not
        // guard each call with a savepoint (two more statements per message).
        db.Database.AutoSavepointsEnabled = false;
        var mediator = scope.ServiceProvider.GetRequiredService<IScopedMediator>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            var outcomes = new ApplyOutcome[messages.Count];
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var ids = messages.Select(m => m.EventId!.Value).Distinct().ToList();
            var seen = (await db.Set<InboxMessage>().Where(m => ids.Contains(m.EventId)).Select(m => m.EventId).ToListAsync(token)).ToHashSet();
            var applied = new List<ConsumedMessage>(messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (!seen.Add(message.EventId!.Value)) // applied before, or earlier in this batch
                {
                    if (logger.IsEnabled(LogLevel.Debug))
                        logger.LogDebug("Event {EventId} at {TopicPartitionOffset} was applied before; skipping", message.EventId, message.Result.TopicPartitionOffset);
                    outcomes[i] = ApplyOutcome.Duplicate;
                    continue;
                }
                using var activity = StartActivity(message);
                await message.Registration!.Dispatch(mediator, message.Event!, token);
                await db.SaveChangesAsync(token); // before the next handler, which may read what this one wrote
                outcomes[i] = ApplyOutcome.Applied;
                applied.Add(message);
            }
            var processedAt = DateTimeOffset.UtcNow;
            foreach (var message in applied)
                db.Set<InboxMessage>().Add(new InboxMessage
                {
                    EventId = message.EventId!.Value,
                    EventType = message.Registration!.Name,
                    Topic = message.Result.Topic,
                    ProcessedAt = processedAt,
                });
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return outcomes;
        }, ct);
    }

    /// <summary>A consumer span per message that continues the producer's trace; the handler's own writes (outbox rows) carry it on.</summary>
    private static Activity? StartActivity(ConsumedMessage message)
    {
        if (!ConsumerTelemetry.ActivitySource.HasListeners()) return null;
        var result = message.Result;
        ActivityContext.TryParse(MessageHeaders.GetString(result.Message.Headers, EventHeaders.TraceParent), null, isRemote: true, out var parent);
        var activity = ConsumerTelemetry.ActivitySource.StartActivity($"process {result.Topic}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", result.Topic);
            activity.SetTag("messaging.destination.partition.id", result.Partition.Value);
            activity.SetTag("messaging.kafka.offset", result.Offset.Value);
            activity.SetTag("messaging.kafka.message.key", result.Message.Key);
            activity.SetTag("messaging.message.id", message.EventId?.ToString());
            activity.SetTag("hotel.event_type", message.EventType);
        }
        return activity;
    }
}
