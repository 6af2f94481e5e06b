using Hotel.Bench.Peer.OursSide;
using Hotel.Bench.Peer.WolverineSide;
using Hotel.Eventing;
using Hotel.LocalInfra;
using Microsoft.EntityFrameworkCore;

namespace Hotel.Bench.Peer;

/// <summary>One implementation of the minimal flow: its two databases, its topic and its child processes.</summary>
public sealed class BenchSide : IAsyncDisposable
{
    private readonly List<BenchChild> _children = [];

    public required string Key { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required string WriterDatabase { get; init; }
    public required string ConsumerDatabase { get; init; }
    public required string Topic { get; init; }
    private bool IsOurs { get; init; }
    private bool Tuned { get; init; }

    public BenchChild Writer => _children[0];
    public bool Active { get; set; } = true;
    public List<StepFigures> Steps { get; } = [];

    public static BenchSide Ours() => new()
    {
        Key = "ours",
        Name = "ours",
        Description = "EF Core + Hotel.Eventing outbox, built-in WAL relay (Hotel.Cdc), Hotel.Eventing consumer host with its inbox",
        WriterDatabase = "bench_ours_writer",
        ConsumerDatabase = "bench_ours_consumer",
        Topic = Topics.ForAggregate(OursRoles.AggregateType),
        IsOurs = true,
    };

    public static BenchSide Peer(bool tuned) => new()
    {
        Key = tuned ? "peerTuned" : "peer",
        Name = tuned ? "wolverine-2ms" : "wolverine",
        Description = "Wolverine 6.62: IDbContextOutbox + durable outbox on PostgreSQL, Kafka transport, durable inbox, AutoApplyTransactions, DurabilityMode.Solo"
            + (tuned ? "; outgoing batch timeout 2 ms" : "; defaults (outgoing batches of 100 / 250 ms)"),
        WriterDatabase = tuned ? "bench_peertuned_writer" : "bench_peer_writer",
        ConsumerDatabase = tuned ? "bench_peertuned_consumer" : "bench_peer_consumer",
        Topic = tuned ? "peertuned.bookings" : "peer.bookings",
        Tuned = tuned,
    };

    /// <summary>Databases, tables and topics; Wolverine's own tables are made by Wolverine when its processes start.</summary>
    public async Task PrepareAsync(EmbeddedPostgres postgres, EmbeddedKafka kafka, int partitions, CancellationToken ct)
    {
        await postgres.EnsureDatabaseAsync(WriterDatabase, ct);
        await postgres.EnsureDatabaseAsync(ConsumerDatabase, ct);
        var writerCs = postgres.ConnectionString(WriterDatabase);
        var consumerCs = postgres.ConnectionString(ConsumerDatabase);
        if (IsOurs)
        {
            await EnsureCreatedAsync(new OursWriterDb(new DbContextOptionsBuilder<OursWriterDb>().UseNpgsql(writerCs).Options), ct);
            await EnsureCreatedAsync(new OursConsumerDb(new DbContextOptionsBuilder<OursConsumerDb>().UseNpgsql(consumerCs).Options), ct);
            kafka.CreateTopic(Topics.DeadLetter(Topic), partitions);
        }
        else
        {
            await EnsureCreatedAsync(new PeerWriterDb(new DbContextOptionsBuilder<PeerWriterDb>().UseNpgsql(writerCs).Options), ct);
            await EnsureCreatedAsync(new PeerConsumerDb(new DbContextOptionsBuilder<PeerConsumerDb>().UseNpgsql(consumerCs).Options), ct);
        }
        kafka.CreateTopic(Topic, partitions);
    }

    /// <summary>Starts the writer first (index 0), then the rest, and waits until every one is ready.</summary>
    public async Task StartAsync(EmbeddedPostgres postgres, string bootstrap, string logDirectory)
    {
        var writerCs = postgres.ConnectionString(WriterDatabase);
        var consumerCs = postgres.ConnectionString(ConsumerDatabase);
        var prefix = IsOurs ? "ours" : "peer";
        _children.Add(BenchChild.Start($"{Name} writer", new ChildArgs($"{prefix}-writer", writerCs, bootstrap, Topic, Tuned), logDirectory));
        if (IsOurs) _children.Add(BenchChild.Start($"{Name} relay", new ChildArgs("ours-relay", writerCs, bootstrap, Topic, false), logDirectory));
        _children.Add(BenchChild.Start($"{Name} consumer", new ChildArgs($"{prefix}-consumer", consumerCs, bootstrap, Topic, Tuned), logDirectory));
        await Task.WhenAll(_children.Select(c => c.ReadLineAsync(ChildProtocol.Ready, TimeSpan.FromMinutes(2))));
    }

    public IReadOnlyDictionary<string, int> Processes => _children.ToDictionary(c => c.Name, c => c.Pid);

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children) await child.DisposeAsync();
        _children.Clear();
    }

    private static async Task EnsureCreatedAsync(DbContext db, CancellationToken ct)
    {
        await using (db) await db.Database.EnsureCreatedAsync(ct);
    }
}
