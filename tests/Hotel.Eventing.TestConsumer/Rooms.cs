using System.Collections.Concurrent;
using Hotel.Eventing.Inbox;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hotel.Eventing.TestConsumer;

/// <summary>A tiny consuming service: a <c>room_counts</c> view plus inbox and dead letters.</summary>
public sealed class RoomsDb(DbContextOptions<RoomsDb> options) : DbContext(options)
{
    public DbSet<RoomCount> RoomCounts => Set<RoomCount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RoomCount>(e =>
        {
            e.ToTable("room_counts");
            e.HasKey(r => r.RoomId);
            e.Property(r => r.RoomId).HasColumnName("room_id");
            e.Property(r => r.Applied).HasColumnName("applied");
            e.Property(r => r.History).HasColumnName("history");
        });
        modelBuilder.AddInboxAndDeadLetters();
    }
}

public sealed class RoomCount
{
    public required string RoomId { get; set; }
    public int Applied { get; set; }

    /// <summary>The <see cref="RoomBookedIntegrationEvent.Nights"/> of every applied event, comma-separated, in the order applied.</summary>
    public string History { get; set; } = "";
}

public sealed record RoomBookedIntegrationEvent(string RoomId, int Nights) : IntegrationEvent;

/// <summary>
/// Counts applied events per room and records their order. Saves nothing itself: the host's SaveChanges
/// does, so this proves the shared DbContext. It looks the room up with a query, not the change tracker,
/// so it sees an earlier event of the same batch only if the host saved it before calling this handler.
/// </summary>
public sealed class RoomBookedHandler(RoomsDb db) : IConsumer<RoomBookedIntegrationEvent>
{
    /// <summary>Rooms whose events fail, until removed (the "fix").</summary>
    public static readonly ConcurrentDictionary<string, bool> Broken = new();

    public async Task Consume(ConsumeContext<RoomBookedIntegrationEvent> context)
    {
        var (roomId, nights) = (context.Message.RoomId, context.Message.Nights);
        if (Broken.ContainsKey(roomId))
            throw new InvalidOperationException($"Room {roomId} is broken.");
        var row = await db.RoomCounts.SingleOrDefaultAsync(r => r.RoomId == roomId, context.CancellationToken);
        if (row is null) db.RoomCounts.Add(row = new RoomCount { RoomId = roomId });
        row.Applied++;
        row.History += (row.History.Length > 0 ? "," : "") + nights;
    }
}
