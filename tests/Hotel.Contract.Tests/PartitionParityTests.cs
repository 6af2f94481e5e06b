using System.Text;
using Confluent.Kafka;
using Hotel.Eventing.Kafka;
using Hotel.Testing;

namespace Hotel.Contract.Tests;

/// <summary>
/// Kafka Connect (Debezium under docker-compose) partitions with the Java client's partitioner; every .NET
/// producer here (the relay, the dead-letter writer, dlq replay, test producers standing in for the relay)
/// must put a key on the same partition, or per-key order breaks between the two paths.
/// </summary>
public sealed class PartitionParityTests(InfraFixture infra) : IClassFixture<InfraFixture>
{
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    public void The_tests_murmur2_gives_the_values_of_kafkas_own_utils_test(string key, int expected) =>
        Assert.Equal(expected, JavaPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public async Task The_shared_producer_configuration_puts_every_key_where_kafkas_java_client_would()
    {
        const int partitions = 8;
        var topic = infra.NewTopic("parity", partitions);
        string[] keys = ["b", "b-1", "abc", "0199a4c2", "p-9", "contract", "0199a4c2-5b1e-7c3d-9a8f-1e2d3c4b5a69", .. Enumerable.Range(0, 25).Select(_ => Guid.NewGuid().ToString())];
        using var producer = new ProducerBuilder<string, string>(new KafkaOptions { BootstrapServers = infra.BootstrapServers }.ProducerConfig("parity")).Build();

        foreach (var key in keys)
        {
            var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = "{}" });
            Assert.True(JavaPartitioner.PartitionFor(key, partitions) == delivered.Partition.Value,
                $"key {key}: Kafka's Java client picks partition {JavaPartitioner.PartitionFor(key, partitions)}, the producer wrote to {delivered.Partition.Value}");
        }
    }
}

/// <summary>Kafka's Java producer's choice of partition for a key: <c>Utils.toPositive(Utils.murmur2(keyBytes)) % numPartitions</c>.</summary>
public static class JavaPartitioner
{
    public static int PartitionFor(string key, int partitions) => (Murmur2(Encoding.UTF8.GetBytes(key)) & 0x7fffffff) % partitions;

    /// <summary>org.apache.kafka.common.utils.Utils.murmur2, line for line (Java's int arithmetic wraps; >>> is an unsigned shift).</summary>
    public static int Murmur2(byte[] data)
    {
        unchecked
        {
            var length = data.Length;
            const int seed = (int)0x9747b28c;
            const int m = 0x5bd1e995;
            const int r = 24;
            var h = seed ^ length;
            var length4 = length / 4;
            for (var i = 0; i < length4; i++)
            {
                var i4 = i * 4;
                var k = (data[i4 + 0] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
                k *= m;
                k ^= (int)((uint)k >> r);
                k *= m;
                h *= m;
                h ^= k;
            }
            var tail = length & ~3;
            switch (length % 4)
            {
                case 3:
                    h ^= (data[tail + 2] & 0xff) << 16;
                    goto case 2;
                case 2:
                    h ^= (data[tail + 1] & 0xff) << 8;
                    goto case 1;
                case 1:
                    h ^= data[tail] & 0xff;
                    h *= m;
                    break;
            }
            h ^= (int)((uint)h >> 13);
            h *= m;
            h ^= (int)((uint)h >> 15);
            return h;
        }
    }
}
