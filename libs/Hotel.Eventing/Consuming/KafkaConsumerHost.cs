using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Eventing.DeadLetters;
using Hotel.Eventing.Inbox;
using Hotel.Eventing.Kafka;
using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotel.Eventing.Consuming;

/// <summary>
/// A Kafka consumer group member that applies events to <typeparamref name="TDbContext"/> exactly once:
/// per message one DI scope and one transaction holding the handlers' changes and the inbox row; offsets
/// are stored only after the commit and committed every <see cref="EventConsumerOptions.CommitInterval"/>,
/// on revocation and at shutdown. A message that still fails after bounded retries becomes a dead letter
/// (a <c>dead_letters</c> row first, then a copy on <c>&lt;topic&gt;.dlq</c>) and the partition moves on.
/// </summary>
public sealed class KafkaConsumerHost<TDbContext> : BackgroundService where TDbContext : DbContext
{
    private const int MaxHeaderErrorLength = 2000;

    private readonly IServiceScopeFactory _scopes;
    private readonly EventConsumerOptions _options;
    private readonly KafkaOptions _kafka;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly List<TopicPartition> _newlyAssigned = [];
    private readonly string _clientId;
    private IProducer<string?, string?>? _deadLetterProducer;
    private volatile bool _aborted;
    private int _storedSinceCommit;
    private long _lastCommit = Stopwatch.GetTimestamp();
    private long _lastLagUpdate;

    public KafkaConsumerHost(IServiceScopeFactory scopes, EventConsumerOptions options, IOptions<KafkaOptions> kafka,
        ILogger<KafkaConsumerHost<TDbContext>> logger)
    {
        _scopes = scopes;
        _options = options;
        _kafka = kafka.Value;
        _logger = logger;
        _clientId = options.ClientId ?? $"{options.GroupId}-{Environment.MachineName}";
    }

    public EventConsumerOptions Options => _options;

    /// <summary>
    /// Stops at once the way a crash would: the message in flight is abandoned (its transaction rolls
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
        try
        {
            consumer.Subscribe(_options.Topics);
            _logger.LogInformation("Consumer group {Group} subscribed to {Topics}", _options.GroupId, string.Join(", ", _options.Topics));
            while (!ct.IsCancellationRequested)
            {
                ConsumeResult<string?, string?>? result;
                try
                {
                    result = consumer.Consume(_options.PollTimeout);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _logger.LogError(e, "Consumer group {Group}: consume error {Code} on {TopicPartitionOffset}: {Reason}",
                        _options.GroupId, e.Error.Code, e.ConsumerRecord?.TopicPartitionOffset, e.Error.Reason);
                    continue;
                }
                CheckNewAssignments(consumer);
                if (result is { IsPartitionEOF: false, Message: not null })
                {
                    if (!await HandleAsync(consumer, result, ct)) break;
                }
                CommitIfDue(consumer);
                UpdateLagIfDue(consumer);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogCritical(e, "Consumer group {Group} stopped on an unexpected error", _options.GroupId);
            throw;
        }
        finally
        {
            Shutdown(consumer);
        }
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
        try
        {
            foreach (var tp in consumer.Assignment) ConsumerTelemetry.RemoveLag(_options.GroupId, tp.Topic, tp.Partition.Value);
        }
        catch (ObjectDisposedException) { }
        catch (KafkaException) { }
        consumer.Dispose();
        if (_deadLetterProducer is not null)
        {
            if (!_aborted) _deadLetterProducer.Flush(TimeSpan.FromSeconds(5));
            _deadLetterProducer.Dispose();
        }
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
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                if (partitions.Count == 0) return;
                _logger.LogInformation("Consumer group {Group} revoked {Partitions}", _options.GroupId, string.Join(", ", partitions));
                if (!_aborted) Commit(c);
                foreach (var p in partitions) ConsumerTelemetry.RemoveLag(_options.GroupId, p.Topic, p.Partition.Value);
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                _logger.LogWarning("Consumer group {Group} lost {Partitions}; their uncommitted offsets will be read again (the inbox dedupes)",
                    _options.GroupId, string.Join(", ", partitions));
                foreach (var p in partitions) ConsumerTelemetry.RemoveLag(_options.GroupId, p.Topic, p.Partition.Value);
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
                if (committed.Offset.Value < 0) continue; // nothing committed yet: starts from the earliest
                var watermarks = consumer.QueryWatermarkOffsets(committed.TopicPartition, TimeSpan.FromSeconds(5));
                if (watermarks.Low.Value > committed.Offset.Value)
                    _logger.LogError(
                        "DATA LOST: consumer group {Group} committed offset {Committed} on {Topic} [{Partition}] but the broker's low watermark is {Low}: messages at offsets {FirstLost}..{LastLost} were deleted before this group read them",
                        _options.GroupId, committed.Offset.Value, committed.Topic, committed.Partition.Value, watermarks.Low.Value,
                        committed.Offset.Value, watermarks.Low.Value - 1);
            }
        }
        catch (KafkaException e)
        {
            _logger.LogWarning(e, "Consumer group {Group}: could not compare committed offsets with low watermarks for {Partitions}",
                _options.GroupId, string.Join(", ", partitions));
        }
    }

    /// <returns>false when stopping interrupted the message (its offset is not stored).</returns>
    private async Task<bool> HandleAsync(IConsumer<string?, string?> consumer, ConsumeResult<string?, string?> result, CancellationToken ct)
    {
        using var activity = StartActivity(result);
        Outcome outcome;
        try
        {
            outcome = await ProcessAsync(result, ct);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "stopped");
            return false;
        }
        activity?.SetTag("hotel.consumer.outcome", outcome.ToString());
        if (outcome == Outcome.DeadLettered) activity?.SetStatus(ActivityStatusCode.Error, "dead-lettered");

        try
        {
            consumer.StoreOffset(result);
            _storedSinceCommit++;
        }
        catch (KafkaException e)
        {
            // The partition was revoked meanwhile; its new owner reads the message again and the inbox dedupes.
            _logger.LogDebug(e, "Consumer group {Group}: not storing offset {TopicPartitionOffset}", _options.GroupId, result.TopicPartitionOffset);
        }

        var topicTag = new KeyValuePair<string, object?>("messaging.destination.name", result.Topic);
        var groupTag = new KeyValuePair<string, object?>("messaging.consumer.group.name", _options.GroupId);
        switch (outcome)
        {
            case Outcome.Applied: ConsumerTelemetry.Processed.Add(1, topicTag, groupTag); break;
            case Outcome.DeadLettered: ConsumerTelemetry.DeadLettered.Add(1, topicTag, groupTag); break;
            default: ConsumerTelemetry.Skipped.Add(1, topicTag, groupTag, new("hotel.consumer.outcome", outcome.ToString())); break;
        }
        if (result.Message.Timestamp.Type != TimestampType.NotAvailable)
            ConsumerTelemetry.EndToEndLatency.Record(
                Math.Max(0, (DateTime.UtcNow - result.Message.Timestamp.UtcDateTime).TotalMilliseconds), topicTag, groupTag);
        return true;
    }

    private static Activity? StartActivity(ConsumeResult<string?, string?> result)
    {
        if (!ConsumerTelemetry.ActivitySource.HasListeners()) return null;
        var traceParent = MessageHeaders.GetString(result.Message.Headers, EventHeaders.TraceParent);
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = ConsumerTelemetry.ActivitySource.StartActivity($"process {result.Topic}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", result.Topic);
            activity.SetTag("messaging.destination.partition.id", result.Partition.Value);
            activity.SetTag("messaging.kafka.offset", result.Offset.Value);
            activity.SetTag("messaging.kafka.message.key", result.Message.Key);
            activity.SetTag("messaging.message.id", MessageHeaders.GetString(result.Message.Headers, EventHeaders.Id));
            activity.SetTag("hotel.event_type", MessageHeaders.GetString(result.Message.Headers, EventHeaders.EventType));
        }
        return activity;
    }

    private async Task<Outcome> ProcessAsync(ConsumeResult<string?, string?> result, CancellationToken ct)
    {
        var headers = result.Message.Headers;
        if (MessageHeaders.GetString(headers, DeadLetterHeaders.ReplayForGroup) is { Length: > 0 } replayFor && replayFor != _options.GroupId)
        {
            _logger.LogDebug("Skipping {TopicPartitionOffset}: a dead-letter replay for consumer group {Group}", result.TopicPartitionOffset, replayFor);
            return Outcome.UnknownType;
        }
        var eventType = MessageHeaders.GetString(headers, EventHeaders.EventType);
        if (string.IsNullOrEmpty(eventType))
        {
            _logger.LogWarning("Skipping {TopicPartitionOffset}: no {Header} header", result.TopicPartitionOffset, EventHeaders.EventType);
            return Outcome.UnknownType;
        }
        if (!_options.Registrations.TryGetValue(eventType, out var registration))
        {
            _logger.LogDebug("Skipping {TopicPartitionOffset}: no handler for event type {EventType}", result.TopicPartitionOffset, eventType);
            return Outcome.UnknownType;
        }

        var idText = MessageHeaders.GetString(headers, EventHeaders.Id);
        if (!Guid.TryParse(idText, out var eventId))
            return await DeadLetterAsync(result, null, eventType,
                new PoisonMessageException($"The {EventHeaders.Id} header is missing or not a UUID: '{idText}'."), 1, ct);

        IntegrationEvent @event;
        try
        {
            @event = JsonSerializer.Deserialize(result.Message.Value ?? "", registration.EventType, EventJson.Options) as IntegrationEvent
                ?? throw new PoisonMessageException($"The payload is empty or null, not a {registration.EventType.Name}.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or PoisonMessageException)
        {
            // Decoding is deterministic: retrying cannot help.
            return await DeadLetterAsync(result, eventId, eventType, e, 1, ct);
        }
        @event.Id = eventId;

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApplyAsync(result, registration, @event, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                if (attempt >= _options.MaxAttempts)
                    return await DeadLetterAsync(result, eventId, eventType, e, attempt, ct);
                var delay = Backoff(attempt);
                _logger.LogWarning(e, "Attempt {Attempt}/{MaxAttempts} of {EventType} {EventId} at {TopicPartitionOffset} failed; retrying in {Delay} ms",
                    attempt, _options.MaxAttempts, eventType, eventId, result.TopicPartitionOffset, delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(_options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), 30_000));

    /// <summary>One attempt: a fresh scope and transaction; inbox check, handlers, inbox row, commit.</summary>
    private async Task<Outcome> ApplyAsync(ConsumeResult<string?, string?> result, EventRegistration registration, IntegrationEvent @event, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            if (await db.Set<InboxMessage>().AnyAsync(m => m.EventId == @event.Id, token))
            {
                _logger.LogDebug("Event {EventId} at {TopicPartitionOffset} was applied before; skipping", @event.Id, result.TopicPartitionOffset);
                return Outcome.Duplicate;
            }
            var mediator = scope.ServiceProvider.GetRequiredService<IScopedMediator>();
            await registration.Dispatch(mediator, @event, token);
            db.Set<InboxMessage>().Add(new InboxMessage
            {
                EventId = @event.Id,
                EventType = registration.Name,
                Topic = result.Topic,
                ProcessedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return Outcome.Applied;
        }, ct);
    }

    /// <summary>The row in the service's database first (the durable record), then the copy on the DLQ topic.</summary>
    private async Task<Outcome> DeadLetterAsync(ConsumeResult<string?, string?> result, Guid? eventId, string? eventType,
        Exception error, int attempts, CancellationToken ct)
    {
        var failedAt = DateTimeOffset.UtcNow;
        var errorText = Describe(error);
        var row = new DeadLetter
        {
            EventId = eventId,
            EventType = eventType,
            Topic = result.Topic,
            Partition = result.Partition.Value,
            Offset = result.Offset.Value,
            Key = result.Message.Key,
            Value = result.Message.Value,
            Headers = MessageHeaders.ToJson(OriginalHeadersWithGroup(result.Message.Headers)),
            Error = errorText,
            Attempts = attempts,
            FailedAt = failedAt,
        };

        // Without the row the message must not be passed over: keep trying until it is written or we stop.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
                var exists = await db.Set<DeadLetter>().AnyAsync(
                    d => d.Topic == row.Topic && d.Partition == row.Partition && d.Offset == row.Offset, ct);
                if (!exists)
                {
                    db.Set<DeadLetter>().Add(row);
                    await db.SaveChangesAsync(ct);
                }
                break;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                _logger.LogError(e, "Could not record the dead letter for {TopicPartitionOffset} (attempt {Attempt}); retrying", result.TopicPartitionOffset, attempt);
                await Task.Delay(Backoff(Math.Min(attempt, 8)), ct);
            }
        }

        _logger.LogError(error, "Dead-lettered {EventType} {EventId} at {TopicPartitionOffset} after {Attempts} attempt(s): {Error}",
            eventType, eventId, result.TopicPartitionOffset, attempts, errorText);

        var dlqTopic = Topics.DeadLetter(result.Topic);
        try
        {
            var headers = OriginalHeadersWithGroup(result.Message.Headers);
            headers.Add(DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(errorText.Length > MaxHeaderErrorLength ? errorText[..MaxHeaderErrorLength] : errorText));
            headers.Add(DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(result.Topic));
            headers.Add(DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(result.Partition.Value.ToString(CultureInfo.InvariantCulture)));
            headers.Add(DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(result.Offset.Value.ToString(CultureInfo.InvariantCulture)));
            headers.Add(DeadLetterHeaders.FailedAt, Encoding.UTF8.GetBytes(failedAt.ToString("O", CultureInfo.InvariantCulture)));
            await DeadLetterProducer().ProduceAsync(dlqTopic,
                new Message<string?, string?> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers }, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _logger.LogError(e, "Producing the dead letter of {TopicPartitionOffset} to {DeadLetterTopic} failed; it is kept in dead_letters (replay with ./hotel dlq)",
                result.TopicPartitionOffset, dlqTopic);
        }
        return Outcome.DeadLettered;
    }

    /// <summary>The message's own headers (any earlier dead-letter headers dropped) and the group that gave up on it.</summary>
    private Headers OriginalHeadersWithGroup(Headers? original)
    {
        var headers = new Headers();
        if (original is not null)
            foreach (var header in original)
                if (!DeadLetterHeaders.All.Contains(header.Key)) headers.Add(header.Key, header.GetValueBytes());
        headers.Add(DeadLetterHeaders.ConsumerGroup, Encoding.UTF8.GetBytes(_options.GroupId));
        return headers;
    }

    private IProducer<string?, string?> DeadLetterProducer() =>
        _deadLetterProducer ??= new ProducerBuilder<string?, string?>(_kafka.ProducerConfig(_clientId + "-dlq"))
            .SetLogHandler((_, message) => KafkaLogging.Forward(_logger, message))
            .SetErrorHandler((_, error) => _logger.Log(error.IsFatal ? LogLevel.Critical : LogLevel.Warning,
                "Kafka dead-letter producer {Group}: {Code} {Reason}", _options.GroupId, error.Code, error.Reason))
            .Build();

    internal static string Describe(Exception error)
    {
        var text = new StringBuilder();
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (text.Length > 0) text.Append(" ---> ");
            text.Append(e.GetType().FullName).Append(": ").Append(e.Message);
        }
        return text.ToString();
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
                ConsumerTelemetry.SetLag(_options.GroupId, tp.Topic, tp.Partition.Value, Math.Max(0, high.Value - position.Value));
            }
        }
        catch (KafkaException e)
        {
            _logger.LogDebug(e, "Consumer group {Group}: lag not measured", _options.GroupId);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
    }

    private enum Outcome { Applied, Duplicate, UnknownType, DeadLettered }
}

/// <summary>A message that can never be processed as it is (bad headers or payload).</summary>
public sealed class PoisonMessageException(string message) : Exception(message);
