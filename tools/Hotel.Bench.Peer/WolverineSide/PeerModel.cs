using Microsoft.EntityFrameworkCore;

namespace Hotel.Bench.Peer.WolverineSide;

/// <summary>The peer writer's database: the bookings table; Wolverine keeps its envelopes in schema <c>wolverine</c>.</summary>
public sealed class PeerWriterDb(DbContextOptions<PeerWriterDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.MapBookings();
}

/// <summary>The peer consumer's database: its own table; Wolverine's durable inbox lives in schema <c>wolverine</c>.</summary>
public sealed class PeerConsumerDb(DbContextOptions<PeerConsumerDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.MapAppliedBookings();
}

public sealed record PeerBookingPlaced(Guid BookingId, int Step);

/// <summary>The trivial handler, found by Wolverine's naming convention; AutoApplyTransactions saves the DbContext with the inbox.</summary>
public static class PeerBookingPlacedHandler
{
    public static void Handle(PeerBookingPlaced message, PeerConsumerDb db) =>
        db.Set<AppliedBooking>().Add(new AppliedBooking { BookingId = message.BookingId, Step = message.Step });
}
