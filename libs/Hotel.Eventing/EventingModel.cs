using Hotel.Eventing.DeadLetters;
using Hotel.Eventing.Inbox;
using Hotel.Eventing.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Hotel.Eventing;

/// <summary>The eventing tables a service's DbContext maps: outbox, inbox and dead letters.</summary>
public static class EventingModel
{
    public const string OutboxTable = "outbox";
    public const string InboxTable = "inbox";

    /// <summary>Maps the <c>outbox</c> table with Debezium's default column names.</summary>
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable(OutboxTable);
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id");
            e.Property(m => m.AggregateType).HasColumnName("aggregatetype").HasMaxLength(255);
            e.Property(m => m.AggregateId).HasColumnName("aggregateid").HasMaxLength(255);
            e.Property(m => m.Type).HasColumnName("type").HasMaxLength(255);
            e.Property(m => m.Payload).HasColumnName("payload").HasColumnType("jsonb");
            e.Property(m => m.Timestamp).HasColumnName("timestamp");
            e.Property(m => m.TracingSpanContext).HasColumnName("tracingspancontext").HasMaxLength(512);
            e.HasIndex(m => m.Timestamp); // archive pruning and republishing scan by time
        });
        return modelBuilder;
    }

    /// <summary>Maps the <c>inbox</c> (applied event ids) and <c>dead_letters</c> tables of a consuming service.</summary>
    public static ModelBuilder AddInboxAndDeadLetters(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable(InboxTable);
            e.HasKey(m => m.EventId);
            e.Property(m => m.EventId).HasColumnName("event_id");
            e.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(255);
            e.Property(m => m.Topic).HasColumnName("topic").HasMaxLength(255);
            e.Property(m => m.ProcessedAt).HasColumnName("processed_at");
        });
        modelBuilder.Entity<DeadLetter>(e =>
        {
            e.ToTable("dead_letters");
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(m => m.EventId).HasColumnName("event_id");
            e.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(255);
            e.Property(m => m.Topic).HasColumnName("topic").HasMaxLength(255);
            e.Property(m => m.Partition).HasColumnName("partition");
            e.Property(m => m.Offset).HasColumnName("offset");
            e.Property(m => m.Key).HasColumnName("key");
            e.Property(m => m.Value).HasColumnName("value");
            e.Property(m => m.Headers).HasColumnName("headers").HasColumnType("jsonb");
            e.Property(m => m.Error).HasColumnName("error");
            e.Property(m => m.Attempts).HasColumnName("attempts");
            e.Property(m => m.FailedAt).HasColumnName("failed_at");
            e.Property(m => m.ReplayedAt).HasColumnName("replayed_at");
            e.HasIndex(m => new { m.Topic, m.Partition, m.Offset }).IsUnique();
        });
        return modelBuilder;
    }
}
