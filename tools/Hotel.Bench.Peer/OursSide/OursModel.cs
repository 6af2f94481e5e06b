using Hotel.Eventing;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hotel.Bench.Peer.OursSide;

/// <summary>Our writer's database: the bookings table and the outbox the relay reads from the WAL.</summary>
public sealed class OursWriterDb(DbContextOptions<OursWriterDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.MapBookings().AddOutbox();
}

/// <summary>Our consumer's database: its own table plus the inbox and dead letters of the consumer host.</summary>
public sealed class OursConsumerDb(DbContextOptions<OursConsumerDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.MapAppliedBookings().AddInboxAndDeadLetters();
}

public sealed record BenchBookingPlacedIntegrationEvent(Guid BookingId, int Step) : IntegrationEvent;

/// <summary>
/// The trivial handler: one row in the consumer's table. The host's SaveChanges commits it with the inbox row.
/// (Not named *Handler/*Consumer: Wolverine's conventions would pick such a class up in the peer's processes.)
/// </summary>
public sealed class BookingRecorder(OursConsumerDb db) : IConsumer<BenchBookingPlacedIntegrationEvent>
{
    public Task Consume(ConsumeContext<BenchBookingPlacedIntegrationEvent> context)
    {
        db.Set<AppliedBooking>().Add(new AppliedBooking { BookingId = context.Message.BookingId, Step = context.Message.Step });
        return Task.CompletedTask;
    }
}
