using Microsoft.EntityFrameworkCore;

namespace Hotel.Bench.Peer;

/// <summary>The writer's row: one booking, committed together with its event.</summary>
public sealed class BenchBooking
{
    public Guid Id { get; set; }

    /// <summary>Which load step wrote it, so each step's commits are counted on their own.</summary>
    public int Step { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The consumer's row: the event applied, exactly once (primary key = the booking id).</summary>
public sealed class AppliedBooking
{
    public Guid BookingId { get; set; }
    public int Step { get; set; }
}

/// <summary>
/// The two tables of the minimal flow, the same for both sides. Commit times are read from
/// PostgreSQL (<c>pg_xact_commit_timestamp(xmin)</c>, <c>track_commit_timestamp=on</c>), not written by the code under test.
/// </summary>
public static class BenchTables
{
    public const string Bookings = "bookings";
    public const string Applied = "applied_bookings";

    public static ModelBuilder MapBookings(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchBooking>(e =>
        {
            e.ToTable(Bookings);
            e.HasKey(b => b.Id);
            e.Property(b => b.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(b => b.Step).HasColumnName("step");
            e.Property(b => b.CreatedAt).HasColumnName("created_at");
            e.HasIndex(b => b.Step);
        });
        return modelBuilder;
    }

    public static ModelBuilder MapAppliedBookings(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AppliedBooking>(e =>
        {
            e.ToTable(Applied);
            e.HasKey(a => a.BookingId);
            e.Property(a => a.BookingId).HasColumnName("booking_id").ValueGeneratedNever();
            e.Property(a => a.Step).HasColumnName("step");
            e.HasIndex(a => a.Step);
        });
        return modelBuilder;
    }
}
