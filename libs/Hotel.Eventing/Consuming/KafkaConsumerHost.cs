using System.Diagnostics;
using Confluent.Kafka;
using Hotel.Eventing.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotel.Eventing.Consuming;

/// <summary>
/// A Kafka consumer group member that applies events to <typeparamref name="TDbContext"/> exactly once.
/// This class is the poll and assignment loop: it takes what the client has already fetched (up to
/// <see cref="EventConsumerOptions.BatchSize"/> messages or <see cref="EventConsumerOptions.BatchAge"/>),
/// hands the partitions' runs, each in offset order, to <see cref="EventBatchApplier{TDbContext}"/> in a few
/// lanes of one transaction each, and stores a partition's offsets only after its run committed. Stored offsets are committed every
/// <see cref="EventConsumerOptions.CommitInterval"/>, on revocation and at shutdown.
/// </summary>
public sealed class KafkaConsumerHost<TDbContext> : BackgroundService where TDbContext : DbContext
{
    private readonly EventConsumerOptions _options;
    private readonly KafkaOptions _kafka;
    private readonly ILogger _logger;
    private readonly DeadLetterWriter<TDbContext> _deadLetters;
    private readonly EventBatchApplier<TDbContext> _applier;
    private readonly ConsumerHostStates _states;
    private readonly CancellationTokenSource _abort = new();
    private readonly List<TopicPartition> _newlyAssigned = [];
    private readonly HashSet<TopicPartition> _revoked = [];
    /// <summary>Partitions paused by a transient failure: how many in a row, and when to try again.</summary>
    private readonly Dictionary<TopicPartition, (int Failures, long ResumeAt, bool Resumed)> _waiting = [];
    private readonly string _clientId;
    private volatile bool _aborted;
    private int _storedSinceCommit;
    private long _lastCommit = Stopwatch.GetTimestamp();
    private long _lastLagUpdate;

    public KafkaConsumerHost(IServiceScopeFactory scopes, EventConsumerOptions options, IOptions<KafkaOptions> kafka,
        ConsumerHostStates states, ILogger<KafkaConsumerHost<TDbContext>> logger)
    {
        _states = states;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        _options = options;
        _kafka = kafka.Value;
        _logger = logger;
        _clientId = options.ClientId ?? $"{options.GroupId}-{Environment.MachineName}";
        _deadLetters = new DeadLetterWriter<TDbContext>(scopes, _kafka, options, _clientId, logger);
        _applier = new EventBatchApplier<TDbContext>(scopes, options, _deadLetters, logger);
    }

    public EventConsumerOptions Options => _options;

    /// <summary>The partitions this host holds now, with their last measured lag (what an instance reports as its own).</summary>
    public IReadOnlyList<OwnedPartition> OwnedPartitions => ConsumerTelemetry.OwnedBy(this);

    /// <summary>
    /// Stops at once the way a crash would: the batch in flight is abandoned (its transaction rolls
    /// back) and offsets stored since the last commit are not committed. Unlike a real crash it leaves
    /// the group at once, so the partitions move without waiting out the session timeout. For tests.
    /// </summary>
    internal void Abort()
    {
        _aborted = true;
        _abort.Cancel();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => RunAsync(stoppingToken), CancellationToken.None);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _abort.Token);
        var ct = linked.Token;
        var consumer = BuildConsumer();
        var batch = new List<ConsumeResult<string?, string?>>(_options.BatchSize);
        var stoppedBecause = "stopped";
        _states.Running(this, _options.GroupId);
        try
        {
            consumer.Subscribe(_options.Topics);
            _logger.LogInformation("Consumer group {Group} subscribed to {Topics}", _options.GroupId, string.Join(", ", _options.Topics));
            while (!ct.IsCancellationRequested)
            {
                batch.Clear();
                _revoked.Clear();
                ResumeDue(consumer);
                if (Poll(consumer, PollTimeout()) is { } first)
                {
                    batch.Add(first);
                    var started = Stopwatch.GetTimestamp();
                    // Only what the client already holds: a lone message is applied at once, a backlog in runs.
                    while (batch.Count < _options.BatchSize && Stopwatch.GetElapsedTime(started) < _options.BatchAge
                        && Poll(consumer, TimeSpan.Zero) is { } next)
                        batch.Add(next);
                }
                CheckNewAssignments(consumer);
                if (_revoked.Count > 0) batch.RemoveAll(r => _revoked.Contains(r.TopicPartition)); // the new owner reads them again
                var runs = batch.GroupBy(r => r.TopicPartition).Select(g => g.ToList()).ToList();
                var results = await ApplyRunsAsync(runs, ct);
                for (var i = 0; i < runs.Count; i++)
                    if (results[i] is { } result) Settle(consumer, runs[i], result);
                if (results.Any(r => r is null)) return; // stopping interrupted a run: none of its offsets is stored
                CommitIfDue(consumer);
                UpdateLagIfDue(consumer);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            stoppedBecause = $"failed: {e.GetType().Name}: {e.Message}";
            _logger.LogCritical(e, "Consumer group {Group} stopped on an unexpected error", _options.GroupId);
            throw;
        }
        finally
        {
            Shutdown(consumer);
            _states.Stopped(this, _options.GroupId, _aborted ? "aborted" : stoppedBecause);
        }
    }

    private ConsumeResult<string?, string?>? Poll(IConsumer<string?, string?> consumer, TimeSpan timeout)
    {
        try
        {
            return consumer.Consume(timeout) is { IsPartitionEOF: false, Message: not null } result ? result : null;
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            _logger.LogError(e, "Consumer group {Group}: consume error {Code} on {TopicPartitionOffset}: {Reason}",
                _options.GroupId, e.Error.Code, e.ConsumerRecord?.TopicPartitionOffset, e.Error.Reason);
            return null;
        }
    }

    /// <summary>
    /// Applies the runs in up to <see cref="EventConsumerOptions.MaxConcurrentPartitions"/> lanes at once, each lane in
    /// one transaction (<see cref="EventBatchApplier{TDbContext}"/>). A lane holds the partition numbers with one
    /// remainder modulo the lane count, so a key (which lands on the same partition number in every topic) always goes
    /// to the same lane and one booking's events from two topics never race; within a lane the runs keep their poll
    /// order and each run its offset order. One transaction per lane rather than per partition: at moderate rates a
    /// poll returns a message or two per partition, and the per-transaction cost (scope, begin, inbox lookup, commit)
    /// would otherwise be paid per message.
    /// </summary>
    /// <returns>Per run its result, or null when stopping interrupted it.</returns>
    private async Task<RunResult?[]> ApplyRunsAsync(List<List<ConsumeResult<string?, string?>>> runs, CancellationToken ct)
    {
        var results = new RunResult?[runs.Count];
        async Task ApplyLaneAsync(int[] lane)
        {
            try
            {
                var result = await _applier.ApplyAsync(lane.SelectMany(i => runs[i]).ToList(), ct);
                // The lane's outcome back into its runs: a run is done up to the lane's first message not done.
                var start = 0;
                foreach (var i in lane)
                {
                    var count = runs[i].Count;
                    var done = Math.Clamp(result.Done - start, 0, count);
                    results[i] = new RunResult(result.Outcomes[start..(start + count)], done, done < count ? result.WaitingOn : null);
                    start += count;
                }
                if (result.WaitingOn is null || lane.Length == 1) return;
                // A transient failure (a lock timeout, a deadlock) may be one partition's alone: the runs not finished go
                // again one by one, so that only a partition that still fails waits and the others flow on.
                foreach (var i in lane)
                {
                    if (results[i] is not { WaitingOn: not null } before) continue;
                    var again = await _applier.ApplyAsync(runs[i][before.Done..], ct);
                    again.Outcomes.CopyTo(before.Outcomes, before.Done);
                    results[i] = new RunResult(before.Outcomes, before.Done + again.Done, again.WaitingOn);
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
            }
        }

        var laneCount = Math.Max(1, _options.MaxConcurrentPartitions);
        var lanes = Enumerable.Range(0, runs.Count).GroupBy(i => runs[i][0].Partition.Value % laneCount).Select(g => g.ToArray()).ToList();
        if (lanes.Count == 0) return results;
        if (lanes.Count == 1)
        {
            await ApplyLaneAsync(lanes[0]);
            return results;
        }
        await Parallel.ForEachAsync(lanes, new ParallelOptions { MaxDegreeOfParallelism = laneCount },
            async (lane, _) => await ApplyLaneAsync(lane));
        return results;
    }

    /// <summary>
    /// Stores the offset of what the run finished. Where a transient failure stopped it, the partition is paused and
    /// rewound to the first message not done, and resumed after a backoff that doubles while the failure lasts: the
    /// partition waits (its lag grows and is reported), the poll loop and the group membership go on, nothing is
    /// dead-lettered.
    /// </summary>
    private void Settle(IConsumer<string?, string?> consumer, List<ConsumeResult<string?, string?>> run, RunResult result)
    {
        var tp = run[0].TopicPartition;
        if (result.Done > 0)
        {
            try
            {
                consumer.StoreOffset(run[result.Done - 1]);
                _storedSinceCommit += result.Done;
            }
            catch (KafkaException e)
            {
                // The partition was revoked meanwhile; its new owner reads the messages again and the inbox dedupes.
                _logger.LogDebug(e, "Consumer group {Group}: not storing offset {TopicPartitionOffset}", _options.GroupId, run[result.Done - 1].TopicPartitionOffset);
            }
            RecordTelemetry(run, result.Outcomes, result.Done);
        }
        if (result.WaitingOn is null)
        {
            if (_waiting.Remove(tp, out var waited))
                _logger.LogInformation("Consumer group {Group}: {TopicPartition} goes on after {Failures} transient failure(s)", _options.GroupId, tp, waited.Failures);
            return;
        }

        ConsumerTelemetry.TransientFailures.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", tp.Topic),
            new KeyValuePair<string, object?>("messaging.destination.partition.id", tp.Partition.Value),
            new KeyValuePair<string, object?>("messaging.consumer.group.name", _options.GroupId));
        var failures = _waiting.TryGetValue(tp, out var before) ? before.Failures + 1 : 1;
        var delay = TransientBackoff(failures);
        _waiting[tp] = (failures, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency), false);
        var from = run[result.Done].TopicPartitionOffset;
        _logger.LogWarning(result.WaitingOn, "Consumer group {Group}: {TopicPartitionOffset} hit a transient failure ({Failures} in a row); the partition waits {Delay} ms and tries again",
            _options.GroupId, from, failures, delay.TotalMilliseconds);
        try
        {
            // Pause before seeking: librdkafka forgets a seek made before a pause (confluentinc/librdkafka#3471).
            consumer.Pause([tp]);
            consumer.Seek(from);
        }
        catch (KafkaException e)
        {
            // Revoked meanwhile: the new owner starts from the committed offset, before this message.
            _logger.LogDebug(e, "Consumer group {Group}: could not rewind {TopicPartitionOffset}", _options.GroupId, from);
            _waiting.Remove(tp);
        }
    }

    /// <summary>The options' backoff with ±20 % jitter, so partitions (and instances) do not retry in step.</summary>
    private TimeSpan TransientBackoff(int failures) => _options.Backoff(failures) * (0.8 + Random.Shared.NextDouble() * 0.4);

    private void ResumeDue(IConsumer<string?, string?> consumer)
    {
        if (_waiting.Count == 0) return;
        var now = Stopwatch.GetTimestamp();
        var due = _waiting.Where(w => w.Value.ResumeAt <= now && !w.Value.Resumed).Select(w => w.Key).ToList();
        if (due.Count == 0) return;
        try { consumer.Resume(due); }
        catch (KafkaException e) { _logger.LogDebug(e, "Consumer group {Group}: resuming {Partitions} failed", _options.GroupId, string.Join(", ", due)); }
        foreach (var tp in due) _waiting[tp] = _waiting[tp] with { Resumed = true };
    }

    /// <summary>A partition leaving this member is not paused any more: should it come back, it is read at once.</summary>
    private void Forget(IConsumer<string?, string?> consumer, IEnumerable<TopicPartition> partitions)
    {
        var paused = partitions.Where(p => _waiting.Remove(p, out var w) && !w.Resumed).ToList();
        if (paused.Count == 0) return;
        try { consumer.Resume(paused); }
        catch (KafkaException e) { _logger.LogDebug(e, "Consumer group {Group}: resuming {Partitions} failed", _options.GroupId, string.Join(", ", paused)); }
    }

    /// <summary>The poll wait, cut short when a waiting partition is due to be resumed sooner.</summary>
    private TimeSpan PollTimeout()
    {
        var timeout = _options.PollTimeout;
        var now = Stopwatch.GetTimestamp();
        foreach (var (_, (_, resumeAt, resumed)) in _waiting)
        {
            if (resumed) continue;
            var until = TimeSpan.FromSeconds(Math.Max(0, resumeAt - now) / (double)Stopwatch.Frequency);
            if (until < timeout) timeout = until;
        }
        return timeout;
    }

    private void RecordTelemetry(List<ConsumeResult<string?, string?>> run, ApplyOutcome[] outcomes, int done)
    {
        var topicTag = new KeyValuePair<string, object?>("messaging.destination.name", run[0].Topic);
        var groupTag = new KeyValuePair<string, object?>("messaging.consumer.group.name", _options.GroupId);
        int applied = 0, deadLettered = 0, duplicates = 0, skipped = 0;
        foreach (var outcome in outcomes.Take(done))
        {
            switch (outcome)
            {
                case ApplyOutcome.Applied: applied++; break;
                case ApplyOutcome.DeadLettered: deadLettered++; break;
                case ApplyOutcome.Duplicate: duplicates++; break;
                default: skipped++; break;
            }
        }
        if (applied > 0) ConsumerTelemetry.Processed.Add(applied, topicTag, groupTag);
        if (deadLettered > 0) ConsumerTelemetry.DeadLettered.Add(deadLettered, topicTag, groupTag);
        if (duplicates > 0) ConsumerTelemetry.Skipped.Add(duplicates, topicTag, groupTag, new("hotel.consumer.outcome", nameof(ApplyOutcome.Duplicate)));
        if (skipped > 0) ConsumerTelemetry.Skipped.Add(skipped, topicTag, groupTag, new("hotel.consumer.outcome", nameof(ApplyOutcome.Skipped)));
        var now = DateTime.UtcNow;
        foreach (var result in run.Take(done))
            if (result.Message.Timestamp.Type != TimestampType.NotAvailable)
                ConsumerTelemetry.EndToEndLatency.Record(Math.Max(0, (now - result.Message.Timestamp.UtcDateTime).TotalMilliseconds), topicTag, groupTag);
    }

    private void Shutdown(IConsumer<string?, string?> consumer)
    {
        if (_aborted)
        {
            // Leaves the group (so a test need not wait out the session timeout a real crash costs) but commits nothing:
            // with auto-commit off, Close() commits no offsets, and the revocation handler skips its commit when aborted.
            try { consumer.Close(); }
            catch (Exception e) { _logger.LogDebug(e, "Consumer group {Group}: closing the aborted consumer failed", _options.GroupId); }
            _logger.LogWarning("Consumer group {Group} aborted: stored offsets were not committed", _options.GroupId);
        }
        else
        {
            Commit(consumer);
            try { consumer.Close(); }
            catch (Exception e) { _logger.LogWarning(e, "Consumer group {Group}: closing the consumer failed", _options.GroupId); }
            _logger.LogInformation("Consumer group {Group} stopped", _options.GroupId);
        }
        ConsumerTelemetry.ReleaseAll(this);
        consumer.Dispose();
        if (!_aborted) _deadLetters.Flush();
        _deadLetters.Dispose();
    }

    private IConsumer<string?, string?> BuildConsumer() =>
        new ConsumerBuilder<string?, string?>(_kafka.ConsumerConfig(_options.GroupId, _clientId))
            .SetLogHandler((_, message) => KafkaLogging.Forward(_logger, message))
            .SetErrorHandler((_, error) =>
            {
                var level = error.IsFatal ? LogLevel.Critical : error.IsLocalError ? LogLevel.Warning : LogLevel.Error;
                _logger.Log(level, "Kafka consumer {Group}: {Code} {Reason}", _options.GroupId, error.Code, error.Reason);
            })
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                if (partitions.Count == 0) return;
                _logger.LogInformation("Consumer group {Group} assigned {Partitions}", _options.GroupId, string.Join(", ", partitions));
                _newlyAssigned.AddRange(partitions); // checked against the low watermarks after this callback
                foreach (var p in partitions)
                {
                    _revoked.Remove(p);
                    ConsumerTelemetry.Assigned(this, _options.GroupId, p.Topic, p.Partition.Value);
                }
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                if (partitions.Count == 0) return;
                _logger.LogInformation("Consumer group {Group} revoked {Partitions}", _options.GroupId, string.Join(", ", partitions));
                if (!_aborted) Commit(c);
                Forget(c, partitions.Select(p => p.TopicPartition));
                foreach (var p in partitions)
                {
                    _revoked.Add(p.TopicPartition);
                    ConsumerTelemetry.Released(this, _options.GroupId, p.Topic, p.Partition.Value);
                }
            })
            .SetPartitionsLostHandler((c, partitions) =>
            {
                _logger.LogWarning("Consumer group {Group} lost {Partitions}; their uncommitted offsets will be read again (the inbox dedupes)",
                    _options.GroupId, string.Join(", ", partitions));
                Forget(c, partitions.Select(p => p.TopicPartition));
                foreach (var p in partitions)
                {
                    _revoked.Add(p.TopicPartition);
                    ConsumerTelemetry.Released(this, _options.GroupId, p.Topic, p.Partition.Value);
                }
            })
            .Build();

    /// <summary>
    /// Loud instead of silent loss: a committed offset below the partition's low watermark means the
    /// broker deleted messages this group never read (the mock keeps only 5 MiB per partition).
    /// </summary>
    private void CheckNewAssignments(IConsumer<string?, string?> consumer)
    {
        if (_newlyAssigned.Count == 0) return;
        var partitions = _newlyAssigned.ToList();
        _newlyAssigned.Clear();
        try
        {
            foreach (var committed in consumer.Committed(partitions, TimeSpan.FromSeconds(5)))
            {
                var watermarks = consumer.QueryWatermarkOffsets(committed.TopicPartition, TimeSpan.FromSeconds(5));
                if (committed.Offset.Value < 0)
                {
                    // Nothing committed yet: the group starts from the earliest, so everything the broker holds is unread (an empty partition: 0).
                    ConsumerTelemetry.SetLag(this, _options.GroupId, committed.Topic, committed.Partition.Value,
                        Math.Max(0, watermarks.High.Value - Math.Max(0, watermarks.Low.Value)));
                    continue;
                }
                if (watermarks.Low.Value > committed.Offset.Value)
                    _logger.LogError(
                        "DATA LOST: consumer group {Group} committed offset {Committed} on {Topic} [{Partition}] but the broker's low watermark is {Low}: messages at offsets {FirstLost}..{LastLost} were deleted before this group read them",
                        _options.GroupId, committed.Offset.Value, committed.Topic, committed.Partition.Value, watermarks.Low.Value,
                        committed.Offset.Value, watermarks.Low.Value - 1);
                // The first lag reading: the position stays unknown until a message of the partition is consumed (an idle one never is).
                ConsumerTelemetry.SetLag(this, _options.GroupId, committed.Topic, committed.Partition.Value,
                    Math.Max(0, watermarks.High.Value - committed.Offset.Value));
            }
        }
        catch (KafkaException e)
        {
            _logger.LogWarning(e, "Consumer group {Group}: could not compare committed offsets with low watermarks for {Partitions}",
                _options.GroupId, string.Join(", ", partitions));
        }
    }

    private void CommitIfDue(IConsumer<string?, string?> consumer)
    {
        if (_storedSinceCommit == 0) return;
        if (_storedSinceCommit >= _options.CommitBatchSize || Stopwatch.GetElapsedTime(_lastCommit) >= _options.CommitInterval)
            Commit(consumer);
    }

    /// <summary>Commits the stored offsets (those of messages whose transaction committed).</summary>
    private void Commit(IConsumer<string?, string?> consumer)
    {
        _lastCommit = Stopwatch.GetTimestamp();
        if (_storedSinceCommit == 0) return;
        try
        {
            consumer.Commit();
            _storedSinceCommit = 0;
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            _storedSinceCommit = 0;
        }
        catch (KafkaException e)
        {
            _logger.LogWarning(e, "Consumer group {Group}: committing offsets failed ({Code}); retrying later", _options.GroupId, e.Error.Code);
        }
    }

    private void UpdateLagIfDue(IConsumer<string?, string?> consumer)
    {
        if (_lastLagUpdate != 0 && Stopwatch.GetElapsedTime(_lastLagUpdate) < _options.LagInterval) return;
        _lastLagUpdate = Stopwatch.GetTimestamp();
        try
        {
            foreach (var tp in consumer.Assignment)
            {
                var high = consumer.GetWatermarkOffsets(tp).High;
                var position = consumer.Position(tp);
                if (high.Value < 0 || position.Value < 0) continue;
                ConsumerTelemetry.SetLag(this, _options.GroupId, tp.Topic, tp.Partition.Value, Math.Max(0, high.Value - position.Value));
            }
        }
        catch (KafkaException e)
        {
            _logger.LogDebug(e, "Consumer group {Group}: lag not measured", _options.GroupId);
        }
    }

    /// <summary>A host that is disposed is gone, not stopped: readiness no longer counts it (a view rebuild replaced it).</summary>
    public override void Dispose()
    {
        _states.Forget(this);
        base.Dispose();
        _abort.Dispose();
    }
}
