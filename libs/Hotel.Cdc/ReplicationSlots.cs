using Npgsql;

namespace Hotel.Cdc;

/// <summary>A replication slot of the cluster and the WAL it keeps PostgreSQL from recycling.</summary>
/// <param name="RetainedWalBytes">WAL from the slot's restart LSN to the server's current LSN; null when the slot lost its WAL.</param>
/// <param name="WalStatus">PostgreSQL's <c>wal_status</c>: reserved, extended, unreserved or lost (past <c>max_slot_wal_keep_size</c>).</param>
public sealed record ReplicationSlot(string Name, string? Database, string? Plugin, bool Active, int? ActivePid, long? RetainedWalBytes, string? WalStatus);

public enum DropSlotResult { Dropped, NotFound, Active }

/// <summary>Reads and drops replication slots (cluster-wide: any database's connection string will do).</summary>
public static class ReplicationSlots
{
    public static async Task<IReadOnlyList<ReplicationSlot>> ListAsync(string connectionString, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT slot_name::text, database::text, plugin::text, active, active_pid,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, wal_status
            FROM pg_replication_slots ORDER BY slot_name
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var slots = new List<ReplicationSlot>();
        while (await reader.ReadAsync(ct))
            slots.Add(new ReplicationSlot(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        return slots;
    }

    /// <summary>Drops an inactive slot; an active one (a relay or Debezium reading it) is left alone.</summary>
    public static async Task<DropSlotResult> DropAsync(string connectionString, string slotName, CancellationToken ct = default)
    {
        var slot = (await ListAsync(connectionString, ct)).FirstOrDefault(s => s.Name == slotName);
        if (slot is null) return DropSlotResult.NotFound;
        if (slot.Active) return DropSlotResult.Active;
        // PostgreSQL drops a logical slot only from the database it was created in.
        var target = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        if (slot.Database is not null) target.Database = slot.Database;
        await using var conn = new NpgsqlConnection(target.ConnectionString);
        await conn.OpenAsync(ct);
        try
        {
            await using var drop = new NpgsqlCommand("SELECT pg_drop_replication_slot($1)", conn) { Parameters = { new() { Value = slotName } } };
            await drop.ExecuteNonQueryAsync(ct);
            return DropSlotResult.Dropped;
        }
        // A reader attached (or another drop won) between the check and the drop.
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse) { return DropSlotResult.Active; }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject) { return DropSlotResult.NotFound; }
    }
}
