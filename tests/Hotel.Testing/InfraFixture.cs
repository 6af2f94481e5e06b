using Hotel.LocalInfra;
using Xunit;

namespace Hotel.Testing;

/// <summary>
/// Real components for a test assembly: a private PostgreSQL cluster (non-durable, in a temp dir)
/// and librdkafka's mock Kafka cluster. Use as an xunit collection or class fixture; each test
/// makes its own databases and topics (<see cref="NewDatabaseAsync"/>, <see cref="NewTopic"/>)
/// so tests do not see each other's data.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hotel-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private int _counter;

    public EmbeddedPostgres Postgres { get; private set; } = null!;
    public EmbeddedKafka Kafka { get; private set; } = null!;
    public string BootstrapServers => Kafka.BootstrapServers;

    public async Task InitializeAsync()
    {
        Kafka = EmbeddedKafka.Start();
        Postgres = await EmbeddedPostgres.StartAsync(Path.Combine(_root, "pg"), durable: false);
    }

    /// <summary>A fresh, empty database; returns its connection string.</summary>
    public async Task<string> NewDatabaseAsync(string prefix = "db")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("N")[..6]}";
        await Postgres.EnsureDatabaseAsync(name);
        return Postgres.ConnectionString(name);
    }

    /// <summary>Creates a uniquely named topic on the embedded broker and returns its name.</summary>
    public string NewTopic(string prefix = "test", int partitions = 4)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";
        Kafka.CreateTopic(name, partitions);
        return name;
    }

    public async Task DisposeAsync()
    {
        Kafka?.Dispose();
        if (Postgres is not null) await Postgres.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
