using System.Collections.Concurrent;
using Confluent.Kafka;
using Hotel.Eventing;

namespace Hotel.Cli.Bench;

/// <summary>The bench's own Kafka readers: assigned every partition of a topic (no group rebalance), noting when each event id arrived.</summary>
public static class KafkaReaders
{
    public static IConsumer<string, string> Open(string bootstrap, string topic, Offset? start = null)
    {
        var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic).Partitions;
        var offsets = partitions.Select(p =>
        {
            var tp = new TopicPartition(topic, p.PartitionId);
            var position = start == Offset.End ? consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High : Offset.Beginning;
            return new TopicPartitionOffset(tp, position);
        }).ToList();
        consumer.Assign(offsets);
        return consumer;
    }

    /// <summary>Until cancelled: the arrival time of every event id (the <c>id</c> header) read.</summary>
    public static void Listen(IConsumer<string, string> consumer, ConcurrentDictionary<Guid, DateTime> arrivals, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(50));
            if (Guid.TryParse(Hotel.Eventing.Consuming.MessageHeaders.GetString(result?.Message?.Headers, EventHeaders.Id), out var eventId))
                arrivals.TryAdd(eventId, DateTime.UtcNow);
        }
    }
}
