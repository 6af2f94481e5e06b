namespace Hotel.Billing.Infrastructure;

using Hotel.Billing.Fraud;
using Hotel.Billing.Gateways;
using Hotel.Billing.PaymentMethods;
using Hotel.Billing.Payments;
using Hotel.Eventing;
using Microsoft.EntityFrameworkCore;

/// <summary>Billing's database. Table and column names are snake_case by convention.</summary>
public sealed class BillingDbContext(DbContextOptions<BillingDbContext> options) : DbContext(options)
{
    /// <summary>Outbox <c>aggregatetype</c>: events go to topic <c>payment.events</c>, keyed by booking id.</summary>
    public const string PaymentAggregateType = "payment";

    public DbSet<PaymentMethod> PaymentMethods => Set<PaymentMethod>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<BookingCancellation> BookingCancellations => Set<BookingCancellation>();
    public DbSet<FraudObservation> FraudObservations => Set<FraudObservation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PaymentMethod>(e =>
        {
            e.Property(p => p.Id).HasMaxLength(PaymentMethod.IdLength);
            e.Property(p => p.Brand).HasMaxLength(20);
            e.Property(p => p.Last4).HasMaxLength(4).IsFixedLength();
            e.Property(p => p.Fingerprint).HasMaxLength(64);
            e.Property(p => p.HolderName).HasMaxLength(200);
            e.HasIndex(p => p.Fingerprint);
        });

        modelBuilder.Entity<Payment>(e =>
        {
            e.HasIndex(p => p.BookingId).IsUnique(); // one payment per booking, whatever is redelivered
            e.HasIndex(p => p.BookingReference);
            e.Property(p => p.BookingReference).HasMaxLength(32);
            e.Property(p => p.GuestEmail).HasMaxLength(254);
            e.Property(p => p.PaymentMethodId).HasMaxLength(128);
            e.Property(p => p.Amount).HasPrecision(12, 2);
            e.Property(p => p.NightlyRate).HasPrecision(12, 2);
            e.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Brand).HasMaxLength(20);
            e.Property(p => p.Last4).HasMaxLength(4).IsFixedLength();
            e.Property(p => p.GatewayReference).HasMaxLength(128);
            e.Property(p => p.FailureCode).HasMaxLength(64);
            e.Property(p => p.FailureReason).HasMaxLength(500);
            e.Property(p => p.HoldRule).HasMaxLength(64);
            e.HasIndex(p => p.NextAttemptAt).HasFilter("status = 'Pending'"); // the retrier's due payments
            e.HasMany(p => p.Refunds).WithOne().HasForeignKey(r => r.PaymentId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Refund>(e =>
        {
            e.HasIndex(r => r.PaymentId).IsUnique(); // refunded once
            e.Property(r => r.Amount).HasPrecision(12, 2);
            e.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(r => r.GatewayReference).HasMaxLength(128);
        });

        modelBuilder.Entity<BookingCancellation>(e =>
        {
            e.HasKey(c => c.BookingId);
            e.Property(c => c.BookingReference).HasMaxLength(32);
        });

        modelBuilder.Entity<FraudObservation>(e =>
        {
            e.HasKey(o => o.BookingId);
            e.Property(o => o.Fingerprint).HasMaxLength(64);
            e.Property(o => o.GuestEmail).HasMaxLength(254);
            e.HasIndex(o => new { o.Fingerprint, o.OccurredAt });
        });

        modelBuilder.Entity<SandboxCard>(e =>
        {
            e.ToTable("sandbox_gateway_cards");
            e.HasKey(c => c.Token);
            e.Property(c => c.Token).HasMaxLength(128);
            e.Property(c => c.Behaviour).HasMaxLength(40);
        });
        modelBuilder.Entity<SandboxCharge>(e =>
        {
            e.ToTable("sandbox_gateway_charges");
            e.HasKey(c => c.IdempotencyKey);
            e.Property(c => c.IdempotencyKey).HasMaxLength(255);
            e.Property(c => c.ChargeId).HasMaxLength(64);
            e.Property(c => c.Token).HasMaxLength(128);
            e.Property(c => c.Amount).HasPrecision(12, 2);
            e.Property(c => c.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(c => c.Status).HasMaxLength(20);
            e.Property(c => c.FailureCode).HasMaxLength(64);
            e.Property(c => c.Metadata).HasColumnType("jsonb");
            e.HasIndex(c => c.CreatedAt); // the reconciler lists charges since a time
        });
        modelBuilder.Entity<SandboxRefund>(e =>
        {
            e.ToTable("sandbox_gateway_refunds");
            e.HasKey(r => r.IdempotencyKey);
            e.Property(r => r.IdempotencyKey).HasMaxLength(255);
            e.Property(r => r.RefundId).HasMaxLength(64);
            e.Property(r => r.ChargeId).HasMaxLength(64);
            e.Property(r => r.Amount).HasPrecision(12, 2);
            e.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
        });

        modelBuilder.AddOutbox();
        modelBuilder.AddInboxAndDeadLetters();
    }
}
