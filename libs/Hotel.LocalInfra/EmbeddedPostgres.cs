using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Hotel.LocalInfra;

/// <summary>
/// A private PostgreSQL cluster in a data directory of its own (<c>initdb</c> + <c>pg_ctl</c>),
/// listening on 127.0.0.1 only, with <c>wal_level=logical</c> so the CDC relay can read the WAL, and
/// <c>max_slot_wal_keep_size</c> so a forgotten slot cannot fill the disk.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so when this process is root every server command runs as
/// the <c>postgres</c> user through <c>runuser</c>, and the data directory is handed to that user.
/// </remarks>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly string _binDir;
    private readonly bool _stopOnDispose;

    /// <summary>The most WAL one replication slot may keep from being recycled.</summary>
    public const string MaxSlotWalKeepSize = "1GB";

    public string DataDirectory { get; }
    public int Port { get; }

    /// <summary>Connection string to the <c>postgres</c> database; use <see cref="ConnectionString(string)"/> for others.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    private EmbeddedPostgres(string binDir, string dataDirectory, int port, bool stopOnDispose)
    {
        _binDir = binDir;
        DataDirectory = dataDirectory;
        Port = port;
        _stopOnDispose = stopOnDispose;
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = "postgres",
            Password = "postgres", // local trust auth; the password is ignored
        }.ConnectionString;

    /// <summary>
    /// Starts (creating if needed) a cluster in <paramref name="dataDirectory"/>. A cluster already
    /// running there (left by a killed run) is reused. <paramref name="port"/> 0 picks a free port.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(
        string dataDirectory, int port = 0, bool durable = true, bool stopOnDispose = true,
        Action<string>? progress = null, CancellationToken ct = default)
    {
        var binDir = FindBinDirectory();
        dataDirectory = Path.GetFullPath(dataDirectory);
        var runningPort = RunningPort(dataDirectory);
        if (runningPort is int existing && await IsReadyAsync(existing, ct))
        {
            progress?.Invoke($"PostgreSQL already running in {dataDirectory} on port {existing}");
            return new EmbeddedPostgres(binDir, dataDirectory, existing, stopOnDispose);
        }

        if (port == 0) port = FreeTcpPort();
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            progress?.Invoke($"Creating PostgreSQL cluster in {dataDirectory}");
            Directory.CreateDirectory(dataDirectory);
            PrepareOwnership(dataDirectory);
            await RunAsync(binDir, "initdb", ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"], ct);
        }
        else
        {
            PrepareOwnership(dataDirectory);
        }

        var options = string.Join(' ',
            $"-p {port}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c wal_level=logical",
            "-c max_replication_slots=20",
            // A slot nobody reads keeps at most this much WAL; past it PostgreSQL invalidates the slot
            // (wal_status 'lost') instead of filling the disk, and the relay replaces it with a full republish.
            $"-c max_slot_wal_keep_size={MaxSlotWalKeepSize}",
            "-c max_wal_senders=20",
            "-c max_connections=200",
            "-c track_commit_timestamp=on", // the benchmark reads commit times of outbox rows
            "-c shared_buffers=128MB",
            durable ? "" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        progress?.Invoke($"Starting PostgreSQL on 127.0.0.1:{port}");
        await RunAsync(binDir, "pg_ctl", ["-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-o", options, "-w", "-t", "60", "start"], ct);
        return new EmbeddedPostgres(binDir, dataDirectory, port, stopOnDispose);
    }

    /// <summary>Creates the database if it does not exist.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task StopAsync()
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))) return;
        NpgsqlConnection.ClearAllPools();
        await RunAsync(_binDir, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
    }

    /// <summary>
    /// <c>pg_ctl restart -m immediate</c>: the server is killed as by a crash (no checkpoint, every session cut) and
    /// started again with the same options, recovering from the WAL; returns once it accepts connections.
    /// </summary>
    public async Task RestartImmediatelyAsync(CancellationToken ct = default)
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(_binDir, "pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-m", "immediate", "-w", "-t", "60", "restart"], ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopOnDispose) await StopAsync();
    }

    /// <summary>
    /// <c>pg_ctl stop -m immediate</c> of the cluster in <paramref name="dataDirectory"/>, if one runs there, synchronously:
    /// for a forced exit (a second Ctrl+C), when there is no time for a checkpoint. The next start recovers from the WAL.
    /// </summary>
    public static void StopImmediately(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid"))) return;
        var pgCtl = Path.Combine(FindBinDirectory(), "pg_ctl");
        string[] args = ["-D", Path.GetFullPath(dataDirectory), "-m", "immediate", "-w", "-t", "10", "stop"];
        try
        {
            if (IsRoot) Run("runuser", ["-u", "postgres", "--", pgCtl, .. args]);
            else Run(pgCtl, args);
        }
        catch (InvalidOperationException) { } // stopped meanwhile
    }

    private static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("HOTEL_PG_BIN");
        if (!string.IsNullOrEmpty(configured)) return configured;
        var root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql (install Debian's postgresql, or set HOTEL_PG_BIN).");
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Hands the data directory to <c>postgres</c> and makes its parents traversable.</summary>
    private static void PrepareOwnership(string dataDirectory)
    {
        if (!IsRoot || OperatingSystem.IsWindows()) return;
        Run("chown", ["-R", "postgres:postgres", dataDirectory]);
        Run("chmod", ["700", dataDirectory]);
        for (var dir = Path.GetDirectoryName(dataDirectory); !string.IsNullOrEmpty(dir) && dir != "/"; dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if (!mode.HasFlag(UnixFileMode.OtherExecute)) File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
        }
    }

    private static int? RunningPort(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        try
        {
            // Line 1: pid, line 4: port.
            var lines = File.ReadAllLines(pidFile);
            if (lines.Length < 4 || !int.TryParse(lines[0], out var pid)) return null;
            try { Process.GetProcessById(pid); } catch (ArgumentException) { return null; }
            return int.TryParse(lines[3], out var port) ? port : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static async Task<bool> IsReadyAsync(int port, CancellationToken ct)
    {
        try
        {
            await using var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3;Pooling=false");
            await conn.OpenAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException) { return false; }
    }

    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>
    /// A loopback port free now, never the same one twice in this process: a port handed out is usually not bound yet
    /// when the next is asked for, and the kernel may offer it again (two services of one run were given the same port).
    /// </summary>
    public static int FreeTcpPort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, true)) return port;
        }
    }

    private static async Task RunAsync(string binDir, string tool, string[] args, CancellationToken ct)
    {
        var (file, fullArgs) = IsRoot
            ? ("runuser", new[] { "-u", "postgres", "--", Path.Combine(binDir, tool) }.Concat(args).ToArray())
            : (Path.Combine(binDir, tool), args);
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in fullArgs) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        // pg_ctl start leaves the server holding inherited pipes: read to end only for tools that exit with them closed.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(args.SkipWhile(a => a != "-D").Skip(1).FirstOrDefault() ?? "", "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "";
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}\n{tail}".Trim());
        }
    }

    private static void Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {err}");
    }
}
