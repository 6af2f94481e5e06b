using System.Diagnostics;
using Confluent.Kafka;
using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hotel.Eventing.Consuming;

internal enum ApplyOutcome { Applied, Duplicate, Skipped, DeadLettered }

/// <summary>
/// What became of a run: <see cref="Outcomes"/> holds one per message up to <see cref="Done"/>. When
/// <see cref="Done"/> falls short of the run, the message there and those after it wait for
/// <see cref="WaitingOn"/>, a transient failure, to pass: nothing from it on was dead-lettered.
/// </summary>
internal sealed record RunResult(ApplyOutcome[] Outcomes, int Done, Exception? WaitingOn);

/// <summary>
/// Applies a run of messages, each partition's in offset order, exactly once. The whole run goes in
/// one scope and one transaction: one statement that records all its ids in the inbox and returns those new to it,
/// each new event's handler dispatched and its changes saved in turn (so a handler sees what the ones before it did),
/// one commit.
/// If the run fails deterministically, it is rolled back and applied again one message at a time, each
/// with bounded retries, so that a poison message is isolated and dead-lettered alone while the others
/// commit once, in order. A transient failure (<see cref="TransientFailures"/>) dead-letters nothing: the
/// run stops there and the host retries it from that message once the failure has had time to pass.
/// </summary>
internal sealed class EventBatchApplier<TDbContext>(
    IServiceScopeFactory scopes, EventConsumerOptions options, DeadLetterWriter<TDbContext> deadLetters, ILogger logger)
    where TDbContext : DbContext
{
    /// <summary>Throws <see cref="OperationCanceledException"/> when stopped part-way.</summary>
    public async Task<RunResult> ApplyAsync(IReadOnlyList<ConsumeResult<string?, string?>> results, CancellationToken ct)
    {
        var messages = results.Select(r => ConsumedMessage.Read(r, options)).ToList();
        var outcomes = new ApplyOutcome[messages.Count];
        var toApply = messages.Where(IsToApply).ToList();
        ApplyOutcome[]? appliedTogether = null;
        if (toApply.Count > 1)
        {
            try
            {
                appliedTogether = await ApplyInOneTransactionAsync(toApply, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && TransientFailures.IsTransient(e))
            {
                return new RunResult(outcomes, 0, e);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "A batch of {Count} messages from {TopicPartitionOffset} to {LastTopicPartitionOffset} failed; applying them one at a time",
                    toApply.Count, toApply[0].Result.TopicPartitionOffset, toApply[^1].Result.TopicPartitionOffset);
            }
        }

        var together = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            Exception? waitingOn = null;
            if (message.SkipReason is not null)
            {
                if (logger.IsEnabled(LogLevel.Debug))
                    logger.LogDebug("Skipping {TopicPartitionOffset}: {Reason}", message.Result.TopicPartitionOffset, message.SkipReason);
                outcomes[i] = ApplyOutcome.Skipped;
            }
            else if (message.Poison is not null)
                waitingOn = await DeadLetterAsync(message, message.Poison, 1, ct);
            else if (appliedTogether is not null)
                outcomes[i] = appliedTogether[together++];
            else
                (outcomes[i], waitingOn) = await ApplyWithRetriesAsync(message, ct);
            if (waitingOn is not null) return new RunResult(outcomes, i, waitingOn);
            if (message.Poison is not null) outcomes[i] = ApplyOutcome.DeadLettered;
        }
        return new RunResult(outcomes, messages.Count, null);
    }

    private static bool IsToApply(ConsumedMessage message) => message.SkipReason is null && message.Poison is null;

    /// <returns>The outcome, or the transient failure the message waits on.</returns>
    private async Task<(ApplyOutcome Outcome, Exception? WaitingOn)> ApplyWithRetriesAsync(ConsumedMessage message, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return ((await ApplyInOneTransactionAsync([message], ct))[0], null);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && TransientFailures.IsTransient(e))
            {
                return (default, e);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (attempt >= options.MaxAttempts)
                    return (ApplyOutcome.DeadLettered, await DeadLetterAsync(message, e, attempt, ct));
                var delay = options.Backoff(attempt);
                logger.LogWarning(e, "Attempt {Attempt}/{MaxAttempts} of {EventType} {EventId} at {TopicPartitionOffset} failed; retrying in {Delay} ms",
                    attempt, options.MaxAttempts, message.EventType, message.EventId, message.Result.TopicPartitionOffset, delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    /// <returns>null once the dead letter is recorded; otherwise why it could not be (the message must not be passed over).</returns>
    private async Task<Exception?> DeadLetterAsync(ConsumedMessage message, Exception error, int attempts, CancellationToken ct)
    {
        try
        {
            await deadLetters.WriteAsync(message.Result, message.EventId, message.EventType, error, attempts, ct);
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Could not record the dead letter for {TopicPartitionOffset}; it is tried again", message.Result.TopicPartitionOffset);
            return e;
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
            var processedAt = DateTimeOffset.UtcNow; // one instant per transaction (its commit time is in pg_xact_commit_timestamp)
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var claimed = await ClaimAsync(db, messages, processedAt, token);
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (!claimed.Remove(message.EventId!.Value)) // applied before, or earlier in this batch
                {
                    if (logger.IsEnabled(LogLevel.Debug))
                        logger.LogDebug("Event {EventId} at {TopicPartitionOffset} was applied before; skipping", message.EventId, message.Result.TopicPartitionOffset);
                    outcomes[i] = ApplyOutcome.Duplicate;
                    continue;
                }
                using var activity = StartActivity(message);
                await message.Registration!.Dispatch(mediator, message.Event!, token);
                // Saved before the next handler runs, which may read what this one wrote.
                await db.SaveChangesAsync(token);
                outcomes[i] = ApplyOutcome.Applied;
            }
            await transaction.CommitAsync(token);
            return outcomes;
        }, ct);
    }

    /// <summary>
    /// Records the batch's event ids in the inbox in one statement, inside the batch's transaction, and returns those
    /// that were not there: the events to apply. An id the inbox already holds (applied before) is left as it is; a
    /// rollback takes the new rows with it. Plain SQL rather than tracked entities and a LINQ query: this runs once per
    /// batch in every service, and EF Core's query and change-tracking machinery cost more than the statement.
    /// </summary>
    private static async Task<HashSet<Guid>> ClaimAsync(TDbContext db, IReadOnlyList<ConsumedMessage> messages, DateTimeOffset processedAt, CancellationToken ct)
    {
        var first = messages.DistinctBy(m => m.EventId!.Value).ToList();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        // The columns as EventingModel.AddInboxAndDeadLetters maps them.
        await using var claim = new NpgsqlCommand(
            $"INSERT INTO {EventingModel.InboxTable} (event_id, event_type, topic, processed_at) " +
            "SELECT u.id, u.type, u.topic, $4 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, type, topic) " +
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
            connection, (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
        claim.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = first.Select(m => m.EventId!.Value).ToArray() });
        claim.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = first.Select(m => m.Registration!.Name).ToArray() });
        claim.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = first.Select(m => m.Result.Topic).ToArray() });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = processedAt });
        var claimed = new HashSet<Guid>();
        await using var reader = await claim.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claimed.Add(reader.GetGuid(0));
        return claimed;
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
