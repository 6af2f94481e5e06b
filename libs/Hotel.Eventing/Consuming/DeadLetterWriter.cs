using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Hotel.Eventing.DeadLetters;
using Hotel.Eventing.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotel.Eventing.Consuming;

/// <summary>
/// Makes a message that cannot be applied a dead letter: a <c>dead_letters</c> row in the service's
/// database first (the durable record, written once per topic/partition/offset), then a copy on
/// <c>&lt;topic&gt;.dlq</c> with the error, source and consumer group in its headers.
/// </summary>
internal sealed class DeadLetterWriter<TDbContext>(
    IServiceScopeFactory scopes, KafkaOptions kafka, EventConsumerOptions options, string clientId, ILogger logger) : IDisposable
    where TDbContext : DbContext
{
    private const int MaxHeaderErrorLength = 2000;

    private IProducer<string?, string?>? _producer;

    public async Task WriteAsync(ConsumeResult<string?, string?> result, Guid? eventId, string? eventType,
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

        // The durable record first; if it cannot be written the caller keeps the message and tries again later.
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var exists = await db.Set<DeadLetter>().AnyAsync(
                d => d.Topic == row.Topic && d.Partition == row.Partition && d.Offset == row.Offset, ct);
            if (!exists)
            {
                db.Set<DeadLetter>().Add(row);
                await db.SaveChangesAsync(ct);
            }
        }

        logger.LogError(error, "Dead-lettered {EventType} {EventId} at {TopicPartitionOffset} after {Attempts} attempt(s): {Error}",
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
            await Producer().ProduceAsync(dlqTopic,
                new Message<string?, string?> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers }, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Producing the dead letter of {TopicPartitionOffset} to {DeadLetterTopic} failed; it is kept in dead_letters (replay with ./hotel dlq)",
                result.TopicPartitionOffset, dlqTopic);
        }
    }

    /// <summary>Sends what is still queued (at a clean stop; an abort skips it, as a crash would).</summary>
    public void Flush() => _producer?.Flush(TimeSpan.FromSeconds(5));

    public void Dispose() => _producer?.Dispose();

    /// <summary>The message's own headers (any earlier dead-letter headers dropped) and the group that gave up on it.</summary>
    private Headers OriginalHeadersWithGroup(Headers? original)
    {
        var headers = new Headers();
        if (original is not null)
            foreach (var header in original)
                if (!DeadLetterHeaders.All.Contains(header.Key)) headers.Add(header.Key, header.GetValueBytes());
        headers.Add(DeadLetterHeaders.ConsumerGroup, Encoding.UTF8.GetBytes(options.GroupId));
        return headers;
    }

    private IProducer<string?, string?> Producer() =>
        _producer ??= new ProducerBuilder<string?, string?>(kafka.ProducerConfig(clientId + "-dlq"))
            .SetLogHandler((_, message) => KafkaLogging.Forward(logger, message))
            .SetErrorHandler((_, error) => logger.Log(error.IsFatal ? LogLevel.Critical : LogLevel.Warning,
                "Kafka dead-letter producer {Group}: {Code} {Reason}", options.GroupId, error.Code, error.Reason))
            .Build();

    private static string Describe(Exception error)
    {
        var text = new StringBuilder();
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (text.Length > 0) text.Append(" ---> ");
            text.Append(e.GetType().FullName).Append(": ").Append(e.Message);
        }
        return text.ToString();
    }
}
