using System.Text.Json;
using Hotel.LocalInfra;
using Hotel.Testing;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// The whole suite as a user starts it — <c>hotel run</c> as a real child process — in a scratch data
/// directory, on free ports, so it can run beside a developer's own <c>./hotel run</c> and be killed
/// at any moment. Start it again on the same directory to restart after a kill.
/// </summary>
/// <param name="throughScript">Start it as <c>./hotel run</c> (the script: prerequisites checked, the solution built, then
/// the CLI), as a person does, instead of the CLI directly; the build adds a few seconds to every start.</param>
/// <param name="telemetry">With the telemetry dashboard (on free ports) that every process exports to, as <c>./hotel run</c>
/// has by default; without it otherwise, so the other tests measure and time the suite without exporters.</param>
public sealed class SuiteRun(bool throughScript = false, bool telemetry = false) : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(150);

    private readonly string _data = Path.Combine(Path.GetTempPath(), "hotel-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _pgPort = EmbeddedPostgres.FreeTcpPort();
    private ChildProcess? _process;

    /// <summary>Kept across restarts, so a client can keep using it.</summary>
    public int BookingPort { get; } = EmbeddedPostgres.FreeTcpPort();

    public RunInfoFile Info { get; private set; } = null!;
    public string Output => _process?.Output ?? "";
    public bool HasExited => _process?.HasExited ?? true;
    public int ExitCode => _process!.ExitCode;
    public string RunJson => Path.Combine(_data, "run.json");

    /// <summary>A service's log as the run keeps it (<c>.hotel/logs/&lt;name&gt;.log</c>).</summary>
    public string LogOf(string service) => Path.Combine(_data, "logs", service + ".log");

    public async Task<RunInfoFile> StartAsync(IDictionary<string, string>? environment = null)
    {
        var runJson = Path.Combine(_data, "run.json");
        Directory.CreateDirectory(_data);
        File.Delete(runJson);
        var env = new Dictionary<string, string>
        {
            ["HOTEL_DATA"] = _data,
            ["HOTEL_ROOT"] = RepositoryRoot(),
            ["HOTEL_PG_PORT"] = _pgPort.ToString(),
            ["HOTEL_BOOKING_PORT"] = BookingPort.ToString(),
            // Fresh ports on every start: a killed run's processes may hold theirs for a moment.
            ["HOTEL_BILLING_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_NOTIFICATIONS_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_CUSTOMER_CARE_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_SMTP_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_INBOX_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_DASHBOARD"] = telemetry ? "on" : "off",
            ["HOTEL_DASHBOARD_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_OTLP_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            ["HOTEL_OTLP_HTTP_PORT"] = EmbeddedPostgres.FreeTcpPort().ToString(),
            // The kill test streams bookings from one address for as long as it takes: past the per-client limits.
            ["RateLimiting__Api__PermitLimit"] = "1000000",
            ["RateLimiting__Requests__PermitLimit"] = "1000000",
        }.Concat(environment ?? new Dictionary<string, string>()).ToDictionary();
        _process = throughScript ? ChildProcess.StartHotel(["run"], env) : ChildProcess.StartDotnet("hotel.dll", ["run"], env);
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(runJson) || _process.HasExited), Deadline, "hotel run to be ready (run.json)");
        Assert.False(_process.HasExited, "hotel run exited during start-up:\n" + _process.Output);
        Info = await ReadInfoAsync();
        return Info;
    }

    /// <summary>run.json as it is now: <c>hotel run</c> rewrites it (by a rename) whenever a service's process changes.</summary>
    public async Task<RunInfoFile> ReadInfoAsync() =>
        JsonSerializer.Deserialize<RunInfoFile>(await File.ReadAllTextAsync(Path.Combine(_data, "run.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    /// <summary><c>pg_ctl restart -m immediate</c> of the run's cluster (as a crash would end it); returns once it accepts connections again.</summary>
    public async Task RestartPostgresImmediatelyAsync()
    {
        var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(_data, "pg"), _pgPort, stopOnDispose: false); // the running cluster
        await postgres.RestartImmediatelyAsync();
    }

    /// <summary>SIGTERM of <c>hotel run</c>, as Ctrl+C: it stops its services and exits.</summary>
    public Task TerminateAsync() => _process!.TerminateAsync(Deadline);

    /// <summary>SIGKILL of <c>hotel run</c>: its services stop when they see it gone; PostgreSQL, a separate server, stays up.</summary>
    public void Kill() => _process?.Kill();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        var pg = Path.Combine(_data, "pg");
        if (File.Exists(Path.Combine(pg, "postmaster.pid")))
            await (await EmbeddedPostgres.StartAsync(pg, _pgPort)).StopAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hotel.sln"))) return dir.FullName;
        throw new InvalidOperationException("Hotel.sln not found above the test's folder.");
    }
}

/// <summary>The parts of <c>.hotel/run.json</c> the tests use.</summary>
public sealed record RunInfoFile(Dictionary<string, string> Services, RunKafka Kafka, RunPostgres Postgres, RunInbox? Inbox, Dictionary<string, RunProcess>? Processes,
    RunTelemetry? Telemetry = null);

public sealed record RunTelemetry(string DashboardUrl, string Otlp);

/// <summary>A service's current process as the run's supervisor reports it (state: starting, running, restarting, gave-up, stopped).</summary>
public sealed record RunProcess(int Pid, string State, int Restarts, int? LastExitCode, string Log);

public sealed record RunKafka(string BootstrapServers);

public sealed record RunPostgres(string ConnectionString, Dictionary<string, string> Databases);

public sealed record RunInbox(string Url, string Smtp, string Server);

/// <summary>Whole-suite tests run one at a time: each starts every service, and they share the repository's dev-inbox install.</summary>
[CollectionDefinition(Name)]
public sealed class SuiteCollection
{
    public const string Name = "Whole suite";
}
