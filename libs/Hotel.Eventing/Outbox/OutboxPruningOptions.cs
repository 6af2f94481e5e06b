namespace Hotel.Eventing.Outbox;

/// <summary>
/// The settings of section <c>Relay</c> a service reads to prune its own outbox: where the built-in relay
/// does not run (docker-compose, where Debezium captures the outboxes), nothing else deletes captured rows.
/// The names and defaults are the relay's (Hotel.Cdc's OutboxRelayOptions), so one setting means one thing.
/// </summary>
public sealed class OutboxPruningOptions
{
    public const string Section = "Relay";

    /// <summary>Whether the built-in relay runs (and so prunes); the service prunes only when it does not.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long captured outbox rows are kept as an archive before they are pruned.</summary>
    public double RetentionDays { get; set; } = 7;

    /// <summary>How often the archive is pruned: one DELETE per interval, nothing in between.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}
