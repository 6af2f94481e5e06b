namespace Hotel.Booking.Infrastructure;

using Hotel.Booking.Bookings;
using Hotel.Booking.Checkout;
using Hotel.Booking.Hotels;
using Hotel.Booking.Inventory;
using Hotel.Eventing;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

/// <summary>The booking service's database. Table and column names are snake_case by convention.</summary>
public sealed class BookingDbContext(DbContextOptions<BookingDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Outbox <c>aggregatetype</c> of bookings: events go to topic <c>booking.events</c>.</summary>
    public const string BookingAggregateType = "booking";

    public DbSet<Hotel> Hotels => Set<Hotel>();
    public DbSet<RoomType> RoomTypes => Set<RoomType>();
    public DbSet<RoomNight> RoomNights => Set<RoomNight>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<CheckoutDraft> CheckoutDrafts => Set<CheckoutDraft>();

    /// <summary>The key ring of the website's antiforgery tokens and guest cookies (see <see cref="Hotel.ServiceDefaults.DataProtectionKeys"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Hotel>(e =>
        {
            e.Property(h => h.Id).HasMaxLength(64);
            e.Property(h => h.Name).HasMaxLength(200);
            e.Property(h => h.City).HasMaxLength(100);
            e.HasMany(h => h.RoomTypes).WithOne(rt => rt.Hotel).HasForeignKey(rt => rt.HotelId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<RoomType>(e =>
        {
            e.Property(rt => rt.Id).HasMaxLength(64);
            e.Property(rt => rt.HotelId).HasMaxLength(64);
            e.Property(rt => rt.Name).HasMaxLength(200);
            e.Property(rt => rt.NightlyRate).HasPrecision(12, 2);
            e.Property(rt => rt.Currency).HasMaxLength(3).IsFixedLength();
            e.ToTable(t => t.HasCheckConstraint("ck_room_types_rooms", "rooms >= 0"));
        });

        modelBuilder.Entity<RoomNight>(e =>
        {
            e.HasKey(n => new { n.RoomTypeId, n.Night });
            e.Property(n => n.RoomTypeId).HasMaxLength(64);
            e.HasOne<RoomType>().WithMany().HasForeignKey(n => n.RoomTypeId).OnDelete(DeleteBehavior.Restrict);
            // The last line of defence against overbooking, whatever the code above it does.
            e.ToTable(t => t.HasCheckConstraint("ck_room_nights_booked", "booked >= 0 AND booked <= total"));
        });

        modelBuilder.Entity<Booking>(e =>
        {
            e.Property(b => b.Reference).HasMaxLength(BookingReference.MaxLength);
            e.HasIndex(b => b.Reference).IsUnique();
            e.HasIndex(b => b.GuestEmail);
            // Hotels and room types that have bookings are never deleted with them.
            e.HasOne<RoomType>().WithMany().HasForeignKey(b => b.RoomTypeId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Hotel>().WithMany().HasForeignKey(b => b.HotelId).OnDelete(DeleteBehavior.Restrict);
            e.Property(b => b.HotelId).HasMaxLength(64);
            e.Property(b => b.RoomTypeId).HasMaxLength(64);
            e.Property(b => b.GuestName).HasMaxLength(200);
            e.Property(b => b.GuestEmail).HasMaxLength(254);
            e.Property(b => b.PaymentMethodId).HasMaxLength(128);
            e.Property(b => b.NightlyRate).HasPrecision(12, 2);
            e.Property(b => b.TotalAmount).HasPrecision(12, 2);
            e.Property(b => b.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(b => b.CancellationReason).HasMaxLength(CancelBookingRequest.MaxReasonLength);
            e.Property(b => b.PaymentFailureCode).HasMaxLength(64);
            e.HasIndex(b => new { b.Status, b.PlacedAt }); // the unpaid-booking sweep
            e.Property(b => b.PaymentHoldReason).HasMaxLength(500);
        });

        modelBuilder.Entity<CheckoutDraft>(e =>
        {
            e.Property(d => d.Id).HasMaxLength(CheckoutDraft.IdLength);
            e.Property(d => d.HotelId).HasMaxLength(64);
            e.Property(d => d.RoomTypeId).HasMaxLength(64);
            e.Property(d => d.GuestName).HasMaxLength(200);
            e.Property(d => d.GuestEmail).HasMaxLength(254);
            e.Property(d => d.BookingReference).HasMaxLength(BookingReference.MaxLength);
            e.HasIndex(d => d.ExpiresAt); // pruning
        });

        modelBuilder.AddOutbox();
        // Booking will consume billing's payment events; the tables exist from the start.
        modelBuilder.AddInboxAndDeadLetters();
    }
}
