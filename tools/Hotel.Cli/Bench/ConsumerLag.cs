using Confluent.Kafka;

namespace Hotel.Cli.Bench;

/// <summary>
/// Messages the consumer groups have not committed yet: per group, the sum over every partition of the given topics of
/// the high watermark minus the group's committed offset. A partition a group has committed nothing on counts 0 (the
/// group does not read that topic, or has read nothing of it yet).
/// </summary>
public sealed class ConsumerLag(string bootstrapServers) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, IConsumer<byte[], byte[]>> _readers = [];

    public Dictionary<string, long> Read(IEnumerable<string> groups, IReadOnlyCollection<string> topics, int partitions)
    {
        var lag = new Dictionary<string, long>();
        foreach (var group in groups)
        {
            var reader = ReaderOf(group);
            var all = topics.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p))).ToList();
            long total = 0;
            foreach (var committed in reader.Committed(all, Timeout))
            {
                if (committed.Offset == Offset.Unset) continue;
                var high = reader.QueryWatermarkOffsets(committed.TopicPartition, Timeout).High;
                total += Math.Max(0, high.Value - committed.Offset.Value);
            }
            lag[group] = total;
        }
        return lag;
    }

    // A consumer in the group's name that never subscribes: it reads the group's committed offsets without joining it.
    private IConsumer<byte[], byte[]> ReaderOf(string group)
    {
        if (_readers.TryGetValue(group, out var reader)) return reader;
        return _readers[group] = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
    }

    public void Dispose()
    {
        foreach (var reader in _readers.Values) reader.Dispose(); // never subscribed: no Close, nothing to leave
    }
}
