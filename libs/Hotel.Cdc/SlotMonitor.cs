using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hotel.Cdc;

/// <summary>
/// Watches every replication slot of one cluster: exports the WAL each retains
/// (<c>hotel.relay.slot.retained_wal</c>) and warns, at every check, about a slot no reader has used
/// for <see cref="OutboxRelayOptions.StaleSlotAfter"/> (left by a <c>Relay__Enabled=false</c> run or a
/// stopped <c>./hotel relay</c>): WAL is cluster-wide, so such a slot pins what every database writes.
/// </summary>
/// <remarks>
/// PostgreSQL 15 does not record since when a slot is inactive, so that is counted from the first
/// check that saw it inactive (a restart of this process starts the count again).
/// </remarks>
public sealed class SlotMonitor(string connectionString, OutboxRelayOptions options, ILogger logger)
{
    private static readonly List<SlotMonitor> Running = [];
    private static readonly ObservableGauge<long> RetainedWal = OutboxRelay.Meter.CreateObservableGauge("hotel.relay.slot.retained_wal", ObserveRetainedWal, "By",
        "WAL bytes a replication slot keeps from being recycled (server's current LSN − the slot's restart LSN)");

    private readonly Dictionary<string, DateTime> _inactiveSince = [];
    private IReadOnlyList<ReplicationSlot> _lastSeen = [];

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.SlotCheckInterval);
        lock (Running) Running.Add(this);
        try
        {
            do
            {
                try { await CheckAsync(ct); }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(e, "Could not check the replication slots");
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) { }
        finally
        {
            lock (Running) Running.Remove(this);
        }
    }

    public async Task CheckAsync(CancellationToken ct)
    {
        IReadOnlyList<ReplicationSlot> slots;
        // From the maintenance database when it may be read, so the outbox databases' idle work does not grow.
        try { slots = await ReplicationSlots.ListAsync(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString, ct); }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.InsufficientPrivilege
            or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            slots = await ReplicationSlots.ListAsync(connectionString, ct);
        }
        var now = DateTime.UtcNow;
        _lastSeen = slots;
        foreach (var gone in _inactiveSince.Keys.Except(slots.Where(s => !s.Active).Select(s => s.Name)).ToList()) _inactiveSince.Remove(gone);
        foreach (var slot in slots.Where(s => !s.Active))
        {
            var since = _inactiveSince.TryGetValue(slot.Name, out var first) ? first : _inactiveSince[slot.Name] = now;
            if (now - since < options.StaleSlotAfter) continue;
            logger.LogWarning(
                "Replication slot {Slot} (database {Database}) has had no reader for {Minutes:0} min and retains {RetainedWalBytes} bytes of WAL ({RetainedWal}, wal_status {WalStatus}). "
                + "WAL is cluster-wide: until a relay reads it again or it is dropped (./hotel slots drop {Slot}), PostgreSQL keeps that WAL up to max_slot_wal_keep_size",
                slot.Name, slot.Database, (now - since).TotalMinutes, slot.RetainedWalBytes, FormatBytes(slot.RetainedWalBytes), slot.WalStatus, slot.Name);
        }
    }

    public static string FormatBytes(long? bytes) => bytes switch
    {
        null => "none (lost)",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };

    private static IEnumerable<Measurement<long>> ObserveRetainedWal()
    {
        lock (Running)
            // Two relay services of one process on one cluster see the same slots: each once.
            return Running.SelectMany(m => m._lastSeen).DistinctBy(s => s.Name).Where(s => s.RetainedWalBytes is not null).Select(s => new Measurement<long>(s.RetainedWalBytes!.Value,
                new KeyValuePair<string, object?>("slot", s.Name), new KeyValuePair<string, object?>("database", s.Database),
                new KeyValuePair<string, object?>("active", s.Active))).ToList();
    }
}
