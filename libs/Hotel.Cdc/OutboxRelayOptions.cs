namespace Hotel.Cdc;

/// <summary>Section <c>Relay</c>: the built-in CDC relay, used where Debezium does not run (local run, tests).</summary>
public sealed class OutboxRelayOptions
{
    public const string Section = "Relay";

    /// <summary>Whether <c>./hotel run</c> starts the relay (<c>Relay__Enabled=false</c> when Debezium captures the outboxes instead).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long captured outbox rows are kept as an archive before they are pruned.</summary>
    public double RetentionDays { get; set; } = 7;

    /// <summary>How often the archive is pruned.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The publication created in every relayed database (insert-only, on the outbox table).</summary>
    public string PublicationName { get; set; } = "hotel_outbox";

    /// <summary>Prefix of the replication slot name; the database name follows, as slots are cluster-wide.</summary>
    public string SlotPrefix { get; set; } = "hotel_outbox_";

    /// <summary>How often relay lag is measured and logged.</summary>
    public TimeSpan LagReportInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often each relay emits a heartbeat message into its database's WAL and confirms it, so its
    /// slot advances (and WAL is recycled) while its outbox is quiet. It rides on the lag reading
    /// (<see cref="LagReportInterval"/>) that follows each interval, so it adds no statement of its own.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the cluster's replication slots are checked (retained WAL metric, stale slot warnings).</summary>
    public TimeSpan SlotCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A slot no reader has used for this long is reported with a warning, at every check, naming the WAL it retains.</summary>
    public TimeSpan StaleSlotAfter { get; set; } = TimeSpan.FromMinutes(10);
}
