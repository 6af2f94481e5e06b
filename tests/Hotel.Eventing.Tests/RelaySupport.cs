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
