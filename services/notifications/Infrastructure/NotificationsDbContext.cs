namespace Hotel.Notifications.Infrastructure;

using Hotel.Eventing;
using Hotel.Notifications.Bookings;
using Hotel.Notifications.Mail;
using Microsoft.EntityFrameworkCore;

/// <summary>Notifications' database: the booking/guest view, the mail ledger, outbox, inbox and dead letters.</summary>
public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    /// <summary>Outbox <c>aggregatetype</c> of sent mail: events go to topic <c>email.events</c>.</summary>
    public const string EmailAggregateType = "email";

    public DbSet<BookingView> Bookings => Set<BookingView>();
    public DbSet<GuestView> Guests => Set<GuestView>();
    public DbSet<Email> Emails => Set<Email>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BookingView>(e =>
        {
            e.HasKey(b => b.BookingId);
            e.Property(b => b.BookingId).ValueGeneratedNever();
            e.Property(b => b.Reference).HasMaxLength(32);
            e.HasIndex(b => b.Reference);
            e.Property(b => b.GuestName).HasMaxLength(200);
            e.Property(b => b.GuestEmail).HasMaxLength(254);
            e.Property(b => b.HotelName).HasMaxLength(200);
            e.Property(b => b.RoomTypeName).HasMaxLength(200);
            e.Property(b => b.TotalAmount).HasPrecision(12, 2);
            e.Property(b => b.Currency).HasMaxLength(3);
            e.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(b => b.CancellationReason).HasMaxLength(500);
        });

        modelBuilder.Entity<GuestView>(e =>
        {
            e.ToTable("guests");
            e.HasKey(g => g.Email);
            e.Property(g => g.Email).HasMaxLength(254);
            e.Property(g => g.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<Email>(e =>
        {
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).ValueGeneratedNever();
            e.HasIndex(m => new { m.EventId, m.Kind }).IsUnique(); // the ledger key: never twice
            e.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.BookingReference).HasMaxLength(32);
            e.HasIndex(m => m.BookingReference);
            e.HasIndex(m => new { m.BookingId, m.Status });
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
            e.Property(m => m.To).HasMaxLength(254);
            e.Property(m => m.Subject).HasMaxLength(300);
            e.Property(m => m.MessageId).HasMaxLength(200);
            e.Property(m => m.Data).HasColumnType("jsonb");
            e.Property(m => m.TraceParent).HasMaxLength(55); // W3C: version-traceid-spanid-flags
        });

        modelBuilder.AddOutbox();
        modelBuilder.AddInboxAndDeadLetters();
    }
}
