namespace Hotel.CustomerCare.Infrastructure;

using Hotel.CustomerCare.View;
using Hotel.Eventing;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Hotel.ServiceDefaults;

/// <summary>Customer care's own database: the view (guests, bookings, timeline), inbox and dead letters.</summary>
public sealed class CustomerCareDbContext(DbContextOptions<CustomerCareDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The key ring of the agents' cookies and antiforgery tokens (see <see cref="DataProtectionKeys"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Guest> Guests => Set<Guest>();
    public DbSet<GuestBooking> Bookings => Set<GuestBooking>();
    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();
    public DbSet<ViewState> ViewState => Set<ViewState>();

    /// <summary>The view's tables, emptied by a rebuild (with the inbox).</summary>
    public static readonly string[] ViewTables = ["timeline_entries", "bookings", "guests"];

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Guest>(e =>
        {
            e.ToTable("guests");
            e.Property(g => g.Id).ValueGeneratedNever();
            e.Property(g => g.Email).HasMaxLength(254);
            e.HasIndex(g => g.Email).IsUnique();
            e.Property(g => g.Name).HasMaxLength(200);
            e.Property(g => g.SearchText).HasMaxLength(500);
            e.Property(g => g.LifetimeSpend).HasPrecision(14, 2);
            e.Property(g => g.Refunds).HasPrecision(14, 2);
            e.Property(g => g.Currency).HasMaxLength(3);
            e.HasMany(g => g.Bookings).WithOne(b => b.Guest).HasForeignKey(b => b.GuestId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<GuestBooking>(e =>
        {
            e.ToTable("bookings");
            e.Property(b => b.Id).ValueGeneratedNever();
            e.Property(b => b.Reference).HasMaxLength(32);
            e.HasIndex(b => b.Reference);
            e.HasIndex(b => b.GuestId);
            e.Property(b => b.GuestName).HasMaxLength(200);
            e.Property(b => b.GuestEmail).HasMaxLength(254);
            e.Property(b => b.HotelName).HasMaxLength(200);
            e.Property(b => b.RoomTypeName).HasMaxLength(200);
            e.Property(b => b.TotalAmount).HasPrecision(12, 2);
            e.Property(b => b.Paid).HasPrecision(12, 2);
            e.Property(b => b.Refunded).HasPrecision(12, 2);
            e.Property(b => b.Currency).HasMaxLength(3);
            e.Property(b => b.Status).HasMaxLength(20);
            e.Property(b => b.PaymentStatus).HasMaxLength(20);
            e.Property(b => b.CancellationReason).HasMaxLength(500);
            e.HasMany(b => b.Timeline).WithOne().HasForeignKey(t => t.BookingId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<TimelineEntry>(e =>
        {
            e.ToTable("timeline_entries");
            e.HasKey(t => t.EventId);
            e.Property(t => t.EventId).ValueGeneratedNever();
            e.Property(t => t.Kind).HasMaxLength(64);
            e.Property(t => t.Amount).HasPrecision(12, 2);
            e.Property(t => t.Currency).HasMaxLength(3);
            e.Property(t => t.Detail).HasMaxLength(1000);
            e.HasIndex(t => t.AppliedAt);
        });
        modelBuilder.Entity<ViewState>(e =>
        {
            e.ToTable("view_state");
            e.Property(s => s.Id).ValueGeneratedNever();
            e.HasData(new ViewState { Id = 1, Generation = 0 });
        });
        modelBuilder.AddInboxAndDeadLetters();
    }
}

public static class CustomerCareDatabase
{
    public static DbContextOptionsBuilder UseCustomerCareDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(ServiceDatabase.ConnectionString(connectionString)).UseSnakeCaseNamingConvention();
}

/// <summary>For <c>dotnet ef migrations add</c>: builds the model without a database.</summary>
public sealed class CustomerCareDbContextFactory : IDesignTimeDbContextFactory<CustomerCareDbContext>
{
    public CustomerCareDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CustomerCareDbContext>();
        options.UseCustomerCareDatabase(Environment.GetEnvironmentVariable("ConnectionStrings__CustomerCare") ?? "Host=127.0.0.1;Database=customer_care;Username=postgres");
        return new CustomerCareDbContext(options.Options);
    }
}
