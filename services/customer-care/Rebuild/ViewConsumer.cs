namespace Hotel.CustomerCare.Rebuild;

using Confluent.Kafka;
using Hotel.CustomerCare.Infrastructure;
using Hotel.Eventing.Consuming;
using Hotel.Eventing.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary>
/// Owns the view's Kafka consumer (the library's <see cref="KafkaConsumerHost{TDbContext}"/>) so the view can be
/// rebuilt without restarting the service. The group id is <c>customer-care</c> for generation 0 and
/// <c>customer-care.r&lt;n&gt;</c> after the n-th rebuild: a rebuild stops the consumer (it commits and leaves),
/// empties the view and the inbox and bumps the generation in one transaction, then starts a consumer in the
/// new group, which has no committed offsets and so reads every topic from the earliest offset.
/// No offsets are reset by hand and no group is listed or deleted (the mock broker crashes on ListConsumerGroups).
/// </summary>
public sealed class ViewConsumer(
    IServiceProvider services, KafkaConsumerHost<CustomerCareDbContext> template, IOptions<KafkaOptions> kafka,
    TimeProvider clock, ILogger<ViewConsumer> logger) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KafkaConsumerHost<CustomerCareDbContext>? _current;
    private RebuildRun? _lastRebuild;
    private volatile CachedLag? _lag;

    private sealed record CachedLag(string Group, long Value, DateTimeOffset At);

    public string BaseGroupId => template.Options.GroupId;
    public IReadOnlyList<string> Topics => template.Options.Topics;
    public string CurrentGroupId { get; private set; } = "";
    public int Generation { get; private set; }
    public RebuildRun? LastRebuild => _lastRebuild;

    private static readonly string TruncateSql = "TRUNCATE " + string.Join(", ", CustomerCareDbContext.ViewTables) + ", inbox";

    public static string GroupIdFor(string baseGroupId, int generation) => generation == 0 ? baseGroupId : $"{baseGroupId}.r{generation}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CustomerCareDbContext>();
        var state = await db.ViewState.AsNoTracking().SingleAsync(cancellationToken);
        await StartGenerationAsync(state.Generation, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_current is { } host)
        {
            await host.StopAsync(cancellationToken);
            host.Dispose();
            _current = null;
        }
    }

    private async Task StartGenerationAsync(int generation, CancellationToken ct)
    {
        var options = template.Options with { GroupId = GroupIdFor(template.Options.GroupId, generation) };
        var host = ActivatorUtilities.CreateInstance<KafkaConsumerHost<CustomerCareDbContext>>(services, options);
        await host.StartAsync(ct);
        _current = host;
        Generation = generation;
        CurrentGroupId = options.GroupId;
        logger.LogInformation("View consumer running as group {Group} (generation {Generation})", CurrentGroupId, generation);
    }

    /// <summary>Stops the consumer, empties the view and inbox, bumps the generation and replays every topic from the start.</summary>
    public async Task<RebuildRun> RebuildAsync(CancellationToken ct)
    {
        if (!await _gate.WaitAsync(TimeSpan.Zero, ct))
            throw new InvalidOperationException("A rebuild is being started already.");
        try
        {
            await StopAsync(ct);
            int generation;
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CustomerCareDbContext>();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await db.Database.ExecuteSqlRawAsync(TruncateSql, ct);
                var state = await db.ViewState.SingleAsync(ct);
                state.Generation++;
                state.RebuiltAt = clock.GetUtcNow();
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                generation = state.Generation;
            }
            var total = TopicSizes(Topics).Sum(p => p.High - p.Low);
            await StartGenerationAsync(generation, ct);
            _lastRebuild = new RebuildRun(generation, CurrentGroupId, clock.GetUtcNow(), total);
            logger.LogWarning("View rebuild: generation {Generation}, group {Group}, {Total} message(s) to replay", generation, CurrentGroupId, total);
            return _lastRebuild;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Low and high watermark of every partition of <paramref name="topics"/> (topics not on the broker yet are skipped).</summary>
    public IReadOnlyList<PartitionSize> TopicSizes(IEnumerable<string> topics)
    {
        var config = kafka.Value.ConsumerConfig(BaseGroupId + ".probe", BaseGroupId + "-probe");
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = config.BootstrapServers })
            .SetLogHandler((_, m) => KafkaLogging.Forward(logger, m)).Build();
        using var probe = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, m) => KafkaLogging.Forward(logger, m)).Build();
        var wanted = topics.ToHashSet();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
        var sizes = new List<PartitionSize>();
        foreach (var topic in metadata.Topics.Where(t => wanted.Contains(t.Topic) && t.Error.Code == ErrorCode.NoError))
            foreach (var partition in topic.Partitions)
            {
                var w = probe.QueryWatermarkOffsets(new TopicPartition(topic.Topic, partition.PartitionId), TimeSpan.FromSeconds(5));
                sizes.Add(new PartitionSize(topic.Topic, partition.PartitionId, Math.Max(0, w.Low.Value), Math.Max(0, w.High.Value)));
            }
        return sizes;
    }

    /// <summary>
    /// Messages this instance has not read yet, over the partitions its consumer owns now (another instance of the group
    /// reports its own): per partition the last measured lag, or the whole partition while it has not been measured; an
    /// empty partition counts 0. Null when the broker cannot be asked or the consumer holds no partition yet (just started).
    /// </summary>
    public long? Lag()
    {
        // Pages and their scripts ask often; the broker is asked at most every 500 ms.
        var cached = _lag;
        if (cached is not null && cached.Group == CurrentGroupId && clock.GetUtcNow() - cached.At < TimeSpan.FromMilliseconds(500)) return cached.Value;
        try
        {
            var group = CurrentGroupId;
            var owned = _current?.OwnedPartitions ?? [];
            if (owned.Count == 0) return null;
            var sizes = TopicSizes(Topics).ToDictionary(p => (p.Topic, p.Partition));
            var lag = owned.Sum(p => sizes.TryGetValue((p.Topic, p.Partition), out var size) && size.High > size.Low ? p.Lag ?? size.High - size.Low : 0);
            _lag = new CachedLag(group, lag, clock.GetUtcNow());
            return lag;
        }
        catch (KafkaException e)
        {
            logger.LogDebug(e, "Lag not measured");
            return null;
        }
    }

    public void Dispose()
    {
        _current?.Dispose();
        _gate.Dispose();
    }
}

public sealed record PartitionSize(string Topic, int Partition, long Low, long High);

public sealed record RebuildRun(int Generation, string GroupId, DateTimeOffset StartedAt, long TotalMessages);
