using Npgsql;

namespace Hotel.Cdc;

/// <summary>
/// "A full republish of the outbox archive is pending for this slot", kept durably in the outbox
/// database (table <c>relay_pending_republish</c>, a row while pending), so a relay killed in the
/// middle of one does it again on its next start.
/// </summary>
/// <remarks>
/// A slot cannot be created in the same transaction as the marker: <c>pg_create_logical_replication_slot</c>
/// refuses a transaction that has written, and the slot survives a rollback anyway. So the marker is
/// committed first and the slot created after it: a crash between the two leaves a marker without a
/// slot, which the next start treats as a fresh start (creates the slot, republishes everything);
/// a slot with a marker means the republish did not finish, so it runs again. Only after Kafka acked
/// every archived row is the marker deleted.
/// </remarks>
public sealed class RepublishMarker(string connectionString, string slotName)
{
    private const string Table = "relay_pending_republish";

    public async Task EnsureTableAsync(CancellationToken ct)
    {
        try
        {
            await ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Table} (slot_name text PRIMARY KEY, since timestamptz NOT NULL DEFAULT now())", ct);
        }
        // Two relays creating it at once: one wins, the other finds it made.
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable) { }
    }

    public Task SetAsync(CancellationToken ct) =>
        ExecuteAsync($"INSERT INTO {Table} (slot_name) VALUES ($1) ON CONFLICT (slot_name) DO NOTHING", ct, slotName);

    public async Task<bool> IsPendingAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT 1 FROM {Table} WHERE slot_name = $1", conn) { Parameters = { new() { Value = slotName } } };
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public Task ClearAsync(CancellationToken ct) => ExecuteAsync($"DELETE FROM {Table} WHERE slot_name = $1", ct, slotName);

    private async Task ExecuteAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
