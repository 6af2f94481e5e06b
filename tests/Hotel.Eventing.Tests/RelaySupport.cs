using System.Text.Json;
using Hotel.Cdc;
using Hotel.Eventing;
using Hotel.Eventing.Kafka;
using Hotel.Eventing.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hotel.Eventing.Tests;

/// <summary>A database with nothing but the outbox table, as a publishing service has it.</summary>
public sealed class RelayOutboxDbContext(DbContextOptions<RelayOutboxDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutbox();

    public static async Task<RelayOutboxDbContext> CreateAsync(string connectionString)
    {
        var db = new RelayOutboxDbContext(new DbContextOptionsBuilder<RelayOutboxDbContext>().UseNpgsql(connectionString).Options);
        await db.Database.EnsureCreatedAsync();
        return db;
    }
}

public sealed record RoomHeldIntegrationEvent(string Room, int Sequence) : IntegrationEvent;

/// <summary>Starts and stops the relay in-process, as <c>./hotel run</c> hosts it.</summary>
public sealed class RunningRelay : IAsyncDisposable
{
    private readonly OutboxRelayService _service;

    private RunningRelay(OutboxRelayService service) => _service = service;

    public static async Task<RunningRelay> StartAsync(string connectionString, string bootstrapServers, ILoggerFactory? loggers = null, OutboxRelayOptions? options = null)
    {
        var service = new OutboxRelayService([connectionString], new KafkaOptions { BootstrapServers = bootstrapServers },
            options ?? new OutboxRelayOptions(), loggers ?? NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        return new RunningRelay(service);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
    }
}

public static class OutboxWriter
{
    /// <summary>Writes events for <paramref name="room"/> with increasing sequence numbers, one transaction each.</summary>
    public static async Task<List<Guid>> WriteAsync(string connectionString, IEnumerable<(string Room, int Sequence)> events, int perTransaction = 1)
    {
        var ids = new List<Guid>();
        await using var db = await RelayOutboxDbContext.CreateAsync(connectionString);
        foreach (var chunk in events.Chunk(perTransaction))
        {
            foreach (var (room, sequence) in chunk)
                ids.Add(db.AddToOutbox("room", room, new RoomHeldIntegrationEvent(room, sequence)).Id);
            await db.SaveChangesAsync();
        }
        return ids;
    }

    public static int Sequence(string? payload) => JsonDocument.Parse(payload!).RootElement.GetProperty("sequence").GetInt32();
}
