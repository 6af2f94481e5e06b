using System.Net.Sockets;
using Hotel.Cdc;
using Hotel.Cli.Run;
using Npgsql;

namespace Hotel.Cli;

/// <summary>
/// <c>./hotel slots</c>: the cluster's replication slots with the WAL each retains, and dropping an
/// inactive one (a slot left by a <c>Relay__Enabled=false</c> run or a stopped <c>./hotel relay</c>
/// pins WAL of every database). An active slot is never dropped.
/// </summary>
public static class SlotsCommand
{
    public static Task<int> ListAsync(string? postgres, TextWriter output) =>
        Reaching(postgres ?? DefaultConnectionString(), cs => ListSlotsAsync(cs, output));

    public static Task<int> DropAsync(string? postgres, string slot, TextWriter output, TextWriter error) =>
        Reaching(postgres ?? DefaultConnectionString(), cs => DropSlotAsync(cs, slot, output, error));

    private static async Task<int> Reaching(string cs, Func<string, Task<int>> work)
    {
        try { return await work(cs); }
        catch (Exception e) when (e is NpgsqlException { InnerException: SocketException or TimeoutException } or SocketException or TimeoutException)
        {
            var b = new NpgsqlConnectionStringBuilder(cs);
            throw new CliException($"cannot reach PostgreSQL at {b.Host}:{b.Port} ({e.Message}); start ./hotel run or give --postgres <connection string>.");
        }
    }

    /// <summary>The live <c>./hotel run</c>'s cluster, else where <c>./hotel run</c> puts it (a cluster left running by a killed run).</summary>
    private static string DefaultConnectionString()
    {
        try { return RunInfo.ReadLive(ServiceCatalog.DataDirectory(ServiceCatalog.RepositoryRoot())).Postgres.ConnectionString; }
        catch (CliException) { }
        var port = int.TryParse(Environment.GetEnvironmentVariable("HOTEL_PG_PORT"), out var p) ? p : 5433;
        return new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Timeout = 5 }.ConnectionString;
    }

    private static async Task<int> ListSlotsAsync(string cs, TextWriter output)
    {
        var slots = await ReplicationSlots.ListAsync(cs);
        if (slots.Count == 0)
        {
            await output.WriteLineAsync("No replication slots.");
            return 0;
        }
        string[] header = ["slot", "database", "plugin", "reader", "retained WAL", "wal_status"];
        var rows = slots.Select(s => new[]
        {
            s.Name, s.Database ?? "", s.Plugin ?? "physical", s.Active ? $"active (pid {s.ActivePid})" : "none",
            SlotMonitor.FormatBytes(s.RetainedWalBytes), s.WalStatus ?? "",
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        await output.WriteLineAsync($"{slots.Count} slot(s), {SlotMonitor.FormatBytes(slots.Sum(s => s.RetainedWalBytes ?? 0))} of WAL retained in all. "
            + "Drop one no reader uses with: ./hotel slots drop <slot> (a relay's own slot is made again on its next start, with a full republish of its outbox archive).");
        return 0;
    }

    private static async Task<int> DropSlotAsync(string cs, string slot, TextWriter output, TextWriter error)
    {
        switch (await ReplicationSlots.DropAsync(cs, slot))
        {
            case DropSlotResult.Dropped:
                await output.WriteLineAsync($"dropped replication slot {slot}; the WAL it retained is recycled at the next checkpoint.");
                return 0;
            case DropSlotResult.Active:
                await error.WriteLineAsync($"replication slot {slot} is active (a relay or Debezium is reading it): not dropped. Stop its reader first.");
                return 1;
            default:
                await error.WriteLineAsync($"no replication slot {slot} (./hotel slots lists them).");
                return 1;
        }
    }
}
