using Hotel.Eventing;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hotel.EndToEnd.Tests;

/// <summary>A consumer's local view, as a downstream service keeps one: how often each booking's event was applied.</summary>
public sealed class BookingsViewDbContext(DbContextOptions<BookingsViewDbContext> options) : DbContext(options)
{
    public DbSet<ViewedBooking> Bookings => Set<ViewedBooking>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddInboxAndDeadLetters();
        modelBuilder.Entity<ViewedBooking>(e =>
        {
            e.ToTable("viewed_bookings");
            e.HasKey(b => b.BookingId);
            e.Property(b => b.BookingId).HasColumnName("booking_id");
            e.Property(b => b.Reference).HasColumnName("reference");
            e.Property(b => b.TimesApplied).HasColumnName("times_applied");
        });
    }
}

public sealed class ViewedBooking
{
    public Guid BookingId { get; set; }
    public required string Reference { get; set; }
    public int TimesApplied { get; set; }
}

/// <summary>The consumer's own copy of the event (eShop style): only the fields it needs.</summary>
public sealed record BookingPlacedIntegrationEvent(Guid BookingId, string Reference) : IntegrationEvent;

public sealed class BookingPlacedHandler(BookingsViewDbContext db) : IConsumer<BookingPlacedIntegrationEvent>
{
    public async Task Consume(ConsumeContext<BookingPlacedIntegrationEvent> context)
    {
        var booking = await db.Bookings.FindAsync(context.Message.BookingId);
        if (booking is null)
            db.Bookings.Add(new ViewedBooking { BookingId = context.Message.BookingId, Reference = context.Message.Reference, TimesApplied = 1 });
        else
            booking.TimesApplied++; // would show a duplicate application, which the inbox must prevent
    }
}
