using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Hotel.Eventing.Consuming;
using Hotel.Eventing.Kafka;
using Hotel.Eventing.TestConsumer;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hotel.Eventing.Tests;

[CollectionDefinition(Name)]
public sealed class ConsumingCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "Consuming";
}

/// <summary>One test's database, topic (+ its DLQ topic), consumer group and producer.</summary>
public sealed class ConsumingTestBed : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly List<IHost> _hosts = [];
    private readonly IProducer<string?, string?> _producer;

    private ConsumingTestBed(InfraFixture infra, string connectionString, string topic)
    {
        Infra = infra;
        ConnectionString = connectionString;
        Topic = topic;
        GroupId = "group-" + Guid.NewGuid().ToString("N")[..8];
        _producer = new ProducerBuilder<string?, string?>(
            new KafkaOptions { BootstrapServers = infra.BootstrapServers }.ProducerConfig("test-producer")).Build();
    }

    public InfraFixture Infra { get; }
    public string ConnectionString { get; }
    public string Topic { get; }
    public string DeadLetterTopic => Topics.DeadLetter(Topic);
    public string GroupId { get; }

    /// <param name="database">a fixed database name (as a service's, for the CLI to find); a fresh one otherwise</param>
    public static async Task<ConsumingTestBed> CreateAsync(InfraFixture infra, int partitions = 4, string? database = null)
    {
        if (database is not null) await infra.Postgres.EnsureDatabaseAsync(database);
        var connectionString = database is null ? await infra.NewDatabaseAsync("consuming") : infra.Postgres.ConnectionString(database);
        var topic = infra.NewTopic("rooms", partitions);
        infra.Kafka.CreateTopic(Topics.DeadLetter(topic), 1);
        var bed = new ConsumingTestBed(infra, connectionString, topic);
        await using var db = bed.NewDb();
        await db.Database.EnsureCreatedAsync();
        return bed;
    }

    public RoomsDb NewDb() => new(new DbContextOptionsBuilder<RoomsDb>().UseNpgsql(ConnectionString).Options);

    /// <summary>Starts a consumer host (a generic Host, as a service would run it) in <see cref="GroupId"/>.</summary>
    public async Task<IHost> StartHostAsync(Action<EventConsumerOptions>? tune = null, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = Infra.BootstrapServers,
        });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDbContext<RoomsDb>(o => o.UseNpgsql(ConnectionString));
        builder.AddEventConsumers<RoomsDb>(GroupId, consumers =>
        {
            consumers.Subscribe(Topic)
                .Add<RoomBookedIntegrationEvent, RoomBookedHandler>()
                .Retry(attempts: 3, baseDelay: TimeSpan.FromMilliseconds(10));
            tune?.Invoke(consumers.Options);
        });
        configure?.Invoke(builder);
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    public static KafkaConsumerHost<RoomsDb> ConsumerOf(IHost host) => host.Services.GetRequiredService<KafkaConsumerHost<RoomsDb>>();

    /// <summary>Produces a message in the Outbox Event Router's wire format.</summary>
    public async Task<TopicPartitionOffset> ProduceRawAsync(string key, string? eventType, string? value, string? id,
        IEnumerable<(string Name, string? Value)>? extraHeaders = null)
    {
        var headers = new Confluent.Kafka.Headers();
        if (id is not null) headers.Add(EventHeaders.Id, Encoding.UTF8.GetBytes(id));
        if (eventType is not null) headers.Add(EventHeaders.EventType, Encoding.UTF8.GetBytes(eventType));
        foreach (var (name, headerValue) in extraHeaders ?? []) headers.Add(name, headerValue is null ? null : Encoding.UTF8.GetBytes(headerValue));
        var result = await _producer.ProduceAsync(Topic, new Message<string?, string?> { Key = key, Value = value, Headers = headers });
        return result.TopicPartitionOffset;
    }

    public static string Payload(string roomId, int nights = 1) =>
        System.Text.Json.JsonSerializer.Serialize(new RoomBookedIntegrationEvent(roomId, nights), EventJson.Options);

    /// <summary>Produces a RoomBooked event; returns its id.</summary>
    public async Task<Guid> ProduceBookedAsync(string key, string roomId, Guid? id = null, int nights = 1)
    {
        var eventId = id ?? Guid.CreateVersion7();
        await ProduceRawAsync(key, "RoomBooked", Payload(roomId, nights), eventId.ToString());
        return eventId;
    }

    /// <summary>
    /// Produces RoomBooked events without waiting for each acknowledgement (the key is the room: one partition
    /// per room), so the producer packs them into record batches. The embedded broker answers a fetch with one
    /// record batch per partition: events produced here arrive at the consumer together.
    /// </summary>
    public void ProduceBookedMany(IEnumerable<(string RoomId, int Nights)> events) =>
        ProduceBookedMany(events.Select(e => (e.RoomId, e.Nights, Guid.CreateVersion7())));

    public void ProduceBookedMany(IEnumerable<(string RoomId, int Nights, Guid Id)> events)
    {
        foreach (var (roomId, nights, id) in events)
        {
            var headers = new Confluent.Kafka.Headers
            {
                { EventHeaders.Id, Encoding.UTF8.GetBytes(id.ToString()) },
                { EventHeaders.EventType, Encoding.UTF8.GetBytes("RoomBooked") },
            };
            _producer.Produce(Topic, new Message<string?, string?> { Key = roomId, Value = Payload(roomId, nights), Headers = headers });
        }
        _producer.Flush(TimeSpan.FromSeconds(30));
    }

    public async Task<RoomCount?> RoomAsync(string roomId)
    {
        await using var db = NewDb();
        return await db.RoomCounts.AsNoTracking().SingleOrDefaultAsync(r => r.RoomId == roomId);
    }

    public async Task<int> AppliedAsync(string roomId)
    {
        await using var db = NewDb();
        return await db.RoomCounts.Where(r => r.RoomId == roomId).Select(r => r.Applied).SingleOrDefaultAsync();
    }

    public async Task WaitAppliedAsync(string roomId, int count)
    {
        await Eventually.WaitAsync(() => AppliedAsync(roomId), n => n >= count, Deadline, $"room {roomId} applied {count} time(s)");
    }

    public async Task<List<Hotel.Eventing.DeadLetters.DeadLetter>> DeadLettersAsync()
    {
        await using var db = NewDb();
        return await db.Set<Hotel.Eventing.DeadLetters.DeadLetter>().OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>Reads messages from the start of <paramref name="topic"/> (all partitions) until <paramref name="count"/> arrived.</summary>
    public Task<List<ConsumeResult<string?, string?>>> ReadTopicAsync(string topic, int count, int partitions = 1) => Task.Run(() =>
    {
        var config = new KafkaOptions { BootstrapServers = Infra.BootstrapServers }.ConsumerConfig("reader-" + Guid.NewGuid().ToString("N"), "test-reader");
        using var reader = new ConsumerBuilder<string?, string?>(config).Build();
        reader.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<string?, string?>>();
        var deadline = DateTime.UtcNow + Deadline;
        while (results.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out reading {count} message(s) from {topic}; got {results.Count}.");
            var result = reader.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false, Message: not null }) results.Add(result);
        }
        reader.Close();
        return results;
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try { await host.StopAsync(TimeSpan.FromSeconds(10)); } catch (Exception) { /* already stopped or aborted */ }
            host.Dispose();
        }
        _producer.Dispose();
    }
}
