using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Hotel.LocalInfra;

/// <summary>
/// librdkafka's mock cluster, started in this process: a Kafka-protocol broker that clients reach
/// over TCP like any other. In memory only, about 5 MiB per partition, no transaction semantics.
/// </summary>
/// <remarks>
/// Calls go into the very librdkafka file Confluent.Kafka loaded (on Debian 12 that is the redist's
/// centos8 build, because the default one needs libsasl2.so.3), so a plain DllImport would not do.
/// </remarks>
public sealed unsafe class EmbeddedKafka : IDisposable
{
    private readonly nint _rk;
    private readonly nint _cluster;
    private readonly Native _native;
    private bool _disposed;

    public string BootstrapServers { get; }

    private EmbeddedKafka(Native native, nint rk, nint cluster)
    {
        _native = native;
        _rk = rk;
        _cluster = cluster;
        BootstrapServers = Marshal.PtrToStringUTF8(native.Bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster returned no bootstrap address.");
    }

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers.</summary>
    public static EmbeddedKafka Start(int brokers = 1)
    {
        var native = Native.Load();
        var conf = native.ConfNew();
        Set(native, conf, "log_level", "3"); // the mock logs every connection at info
        var errstr = stackalloc byte[512];
        var rk = native.New(1 /* RD_KAFKA_CONSUMER: needs no broker */, conf, errstr, 512);
        if (rk == 0)
            throw new InvalidOperationException("rd_kafka_new failed: " + Marshal.PtrToStringUTF8((nint)errstr));
        var cluster = native.ClusterNew(rk, brokers);
        if (cluster == 0)
        {
            native.Destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }
        // Consumers join at once instead of waiting for more members (the default is 3 s).
        native.InitialRebalanceDelay(cluster, 0);
        return new EmbeddedKafka(native, rk, cluster);
    }

    /// <summary>
    /// How long a KIP-848 group member may go without a heartbeat before its partitions go to the others
    /// (the mock's default is 30 s): what a crashed consumer's partitions wait. Applies to every group.
    /// </summary>
    public void SetConsumerSessionTimeout(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _native.ConsumerSessionTimeout(_cluster, (int)timeout.TotalMilliseconds);
    }

    /// <summary>Creates a topic (AdminClient's CreateTopics does not work against the mock).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var name = Encoding.UTF8.GetBytes(topic + "\0");
        fixed (byte* p = name)
        {
            var err = native_TopicCreate(p, partitions);
            // RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS (36) is fine: creation is idempotent here.
            if (err != 0 && err != 36)
                throw new InvalidOperationException($"Creating topic {topic} on the embedded broker failed: error {err}.");
        }
    }

    /// <summary>
    /// Moves a partition's leadership to broker <paramref name="brokerId"/> (the first broker is 1), or
    /// with -1 leaves it without a leader: produce requests for it then wait, as during a real election.
    /// </summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var name = Encoding.UTF8.GetBytes(topic + "\0");
        fixed (byte* p = name)
        {
            var err = _native.PartitionSetLeader(_cluster, p, partition, brokerId);
            if (err != 0) throw new InvalidOperationException($"Setting the leader of {topic}[{partition}] on the embedded broker failed: error {err}.");
        }
    }

    private int native_TopicCreate(byte* topic, int partitions) => _native.TopicCreate(_cluster, topic, partitions, 1);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _native.ClusterDestroy(_cluster);
        _native.Destroy(_rk);
    }

    private static void Set(Native native, nint conf, string key, string value)
    {
        var errstr = stackalloc byte[512];
        var k = Encoding.UTF8.GetBytes(key + "\0");
        var v = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* kp = k, vp = v)
        {
            if (native.ConfSet(conf, kp, vp, errstr, 512) != 0)
                throw new InvalidOperationException($"rd_kafka_conf_set {key}: " + Marshal.PtrToStringUTF8((nint)errstr));
        }
    }

    private sealed class Native
    {
        public delegate* unmanaged<nint> ConfNew = null;
        public delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int> ConfSet = null;
        public delegate* unmanaged<int, nint, byte*, nuint, nint> New = null;
        public delegate* unmanaged<nint, void> Destroy = null;
        public delegate* unmanaged<nint, int, nint> ClusterNew = null;
        public delegate* unmanaged<nint, void> ClusterDestroy = null;
        public delegate* unmanaged<nint, nint> Bootstraps = null;
        public delegate* unmanaged<nint, byte*, int, int, int> TopicCreate = null;
        public delegate* unmanaged<nint, int, void> InitialRebalanceDelay = null;
        public delegate* unmanaged<nint, int, void> ConsumerSessionTimeout = null;
        public delegate* unmanaged<nint, byte*, int, int, int> PartitionSetLeader = null;

        private static Native? _instance;
        private static readonly Lock Gate = new();

        public static Native Load()
        {
            lock (Gate)
            {
                if (_instance is not null) return _instance;
                var lib = NativeLibrary.Load(LoadedLibrdkafkaPath());
                _instance = new Native
                {
                    ConfNew = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "rd_kafka_conf_new"),
                    ConfSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)NativeLibrary.GetExport(lib, "rd_kafka_conf_set"),
                    New = (delegate* unmanaged<int, nint, byte*, nuint, nint>)NativeLibrary.GetExport(lib, "rd_kafka_new"),
                    Destroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "rd_kafka_destroy"),
                    ClusterNew = (delegate* unmanaged<nint, int, nint>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_new"),
                    ClusterDestroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_destroy"),
                    Bootstraps = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_bootstraps"),
                    TopicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_topic_create"),
                    InitialRebalanceDelay = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_group_initial_rebalance_delay_ms"),
                    ConsumerSessionTimeout = (delegate* unmanaged<nint, int, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_set_group_consumer_session_timeout_ms"),
                    PartitionSetLeader = (delegate* unmanaged<nint, byte*, int, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_partition_set_leader"),
                };
                return _instance;
            }
        }

        /// <summary>The librdkafka file Confluent.Kafka actually loaded, read from /proc/self/maps.</summary>
        private static string LoadedLibrdkafkaPath()
        {
            _ = Library.Version; // makes Confluent.Kafka load its native library
            if (OperatingSystem.IsLinux())
            {
                foreach (var line in File.ReadLines("/proc/self/maps"))
                {
                    var slash = line.IndexOf('/');
                    if (slash < 0) continue;
                    var path = line[slash..].Trim();
                    if (Path.GetFileName(path).EndsWith("librdkafka.so", StringComparison.Ordinal)) return path;
                }
            }
            throw new InvalidOperationException("Could not find the librdkafka that Confluent.Kafka loaded (looked in /proc/self/maps).");
        }
    }
}
