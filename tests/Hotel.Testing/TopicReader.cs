using System.Text;
using Confluent.Kafka;

namespace Hotel.Testing;

/// <summary>A message as read back from a topic in a test.</summary>
public sealed record ReadMessage(string Topic, int Partition, long Offset, string? Key, string? Value, IReadOnlyDictionary<string, string?> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>Reads topics from the beginning, without a consumer group, until a condition holds or a deadline passes.</summary>
public static class TopicReader
{
    public static List<ReadMessage> ReadUntil(string bootstrapServers, string topic, Func<IReadOnlyList<ReadMessage>, bool> done, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string?, string?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10,
        }).SetLogHandler((_, _) => { }).Build();

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        consumer.Assign(partitions);

        var messages = new List<ReadMessage>();
        var deadline = DateTime.UtcNow + timeout;
        while (!done(messages))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s reading {topic}: {messages.Count} message(s) read so far.");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is null) continue;
            var headers = (result.Message.Headers ?? []).GroupBy(h => h.Key)
                .ToDictionary(g => g.Key, g => g.Last().GetValueBytes() is { } bytes ? Encoding.UTF8.GetString(bytes) : null); // Debezium writes a null column as a header with a null value
            messages.Add(new ReadMessage(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value, headers));
        }
        return messages;
    }
}
