using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotel.LocalInfra;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hotel.Cli.Run;

/// <summary>
/// <c>./hotel run</c>: the whole suite on embedded defaults, until Ctrl+C or SIGTERM. Data stays in
/// <c>.hotel/</c>; services stop with this process, even after <c>kill -9</c> (they watch its pid). A service that
/// exits is restarted (<see cref="RestartPolicy"/>); the run stops when one keeps crashing. <c>run.json</c> shows
/// each service's current pid, state and restart count.
/// </summary>
public static class LocalRun
{
    public static async Task<int> RunAsync(Termination termination)
    {
        var root = ServiceCatalog.RepositoryRoot();
        var data = ServiceCatalog.DataDirectory(root);
        Directory.CreateDirectory(data);
        var stop = termination.Token;
        termination.OnForce(() => EmbeddedPostgres.StopImmediately(Path.Combine(data, "pg"))); // the services watch this pid; PostgreSQL does not
        using var loggers = CliLogging.Create();
        var log = loggers.CreateLogger("hotel");

        var pgPort = int.TryParse(Environment.GetEnvironmentVariable("HOTEL_PG_PORT"), out var p) ? p : 5433;
        var options = new LocalStack.Options(data, pgPort, Durable: true, Environment.GetEnvironmentVariable("HOTEL_KAFKA_BOOTSTRAP_SERVERS"),
            s => s.Port, EchoServiceOutput: true, RestartPolicy.FromEnvironment(), InstancesFromEnvironment(),
            KafkaSessionTimeoutFromEnvironment(), Dashboard: TelemetryDashboard.Wanted);
        LocalStack stack;
        try { stack = await LocalStack.StartAsync(root, options, loggers, stop); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { return Termination.ExitCode; }

        await using (stack)
        {
            var info = new RunInfo(
                stack.ServiceInstances.ToDictionary(c => c.Name, c => $"http://127.0.0.1:{c.Port}"), // billing-2 … beside billing with HOTEL_INSTANCES
                new KafkaInfo(stack.BootstrapServers, stack.EmbeddedKafka is not null),
                new PostgresInfo(stack.Postgres.AdminConnectionString, stack.Services.ToDictionary(s => s.Name, s => stack.Postgres.ConnectionString(s.Database))),
                Environment.ProcessId,
                stack.Inbox is { } inbox ? new InboxInfo(inbox.Where, $"127.0.0.1:{inbox.SmtpPort}", inbox.Server) : null,
                stack.Services.FirstOrDefault(s => s.Name == "customer-care") is { } care
                    ? new AgentUiInfo(stack.UrlOf(care, options.PortOf), DevAgentAccounts)
                    : null,
                Telemetry: stack.Dashboard is { } dashboard ? new TelemetryInfo(dashboard.Url, dashboard.OtlpEndpoint) : null);
            // run.json follows every restart; rewritten whole under a lock, never after the run deleted it.
            var gate = new object();
            var published = true;
            void Publish()
            {
                lock (gate)
                    if (published) RunInfo.Write(data, info with { Processes = ProcessesOf(stack) });
            }
            foreach (var child in stack.Children) child.Changed += Publish;
            Publish();
            PrintTable(info, data);
            try
            {
                await Task.WhenAny(stack.ServiceGaveUp, Task.Delay(Timeout.Infinite, stop)).ContinueWith(_ => { }, TaskScheduler.Default);
                if (stack.ServiceGaveUp.IsCompleted)
                    AnsiConsole.MarkupLineInterpolated($"[red]{stack.ServiceGaveUp.Result.Name} keeps crashing; stopping the suite (see above).[/]");
            }
            finally
            {
                log.LogInformation("Stopping…");
                lock (gate)
                {
                    published = false;
                    RunInfo.Delete(data);
                }
            }
        }
        log.LogInformation("Stopped. Data stays in {Data} (./hotel reset deletes it).", data);
        return stack.ServiceGaveUp.IsCompleted ? 1 : 0;
    }

    /// <summary><c>HOTEL_INSTANCES</c>: processes of each pure consumer (billing, notifications, customer care), 1 by default.</summary>
    private static int InstancesFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("HOTEL_INSTANCES");
        if (string.IsNullOrEmpty(value)) return 1;
        return int.TryParse(value, out var n) && n is >= 1 and <= 4 ? n : throw new CliException($"HOTEL_INSTANCES must be a number from 1 to 4 (got '{value}').");
    }

    /// <summary>
    /// <c>HOTEL_KAFKA_SESSION_TIMEOUT_SECONDS</c>: how long the embedded broker waits for a silent (killed) consumer before its
    /// partitions go to the rest of its group; the mock's own 30 s by default. Failover tests shorten it.
    /// </summary>
    private static TimeSpan? KafkaSessionTimeoutFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("HOTEL_KAFKA_SESSION_TIMEOUT_SECONDS");
        if (string.IsNullOrEmpty(value)) return null;
        return int.TryParse(value, out var n) && n is >= 6 and <= 300
            ? TimeSpan.FromSeconds(n)
            : throw new CliException($"HOTEL_KAFKA_SESSION_TIMEOUT_SECONDS must be a number of seconds from 6 to 300 (got '{value}').");
    }

    private static Dictionary<string, ProcessInfo> ProcessesOf(LocalStack stack) =>
        stack.Children.ToDictionary(c => c.Name, c => new ProcessInfo(c.ProcessId, c.State, c.Restarts, c.LastExitCode, c.LogFile));

    /// <summary>Local-development sign-ins (hashed in customer care's appsettings.Development.json); never used outside Development.</summary>
    private static readonly DevAccount[] DevAgentAccounts =
    [
        new("agent@hotel.local", "agent-dev-password", "agent"),
        new("supervisor@hotel.local", "supervisor-dev-password", "supervisor"),
    ];

    private static void PrintTable(RunInfo info, string data)
    {
        var table = new Table().Title("[bold]Hotel is running[/]").AddColumn("what").AddColumn("where");
        // Scalar reads the OpenAPI document in Development only (the services' default under ./hotel run).
        var development = (Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development") == "Development";
        foreach (var (name, url) in info.Services)
            table.AddRow(Markup.Escape(name), Markup.Escape($"{url}   ({(development ? $"API reference {url}/scalar, " : "")}OpenAPI {url}/openapi/v1.json)"));
        table.AddRow("kafka", Markup.Escape($"{info.Kafka.BootstrapServers}{(info.Kafka.Embedded ? "   (embedded, in memory)" : "")}"));
        table.AddRow("postgres", Markup.Escape(info.Postgres.ConnectionString));
        if (info.AgentUi is { } agentUi)
            table.AddRow("agent UI", Markup.Escape($"{agentUi.Url}   sign in as " + string.Join(" or ", agentUi.DevAccounts.Select(a => $"{a.Email} / {a.Password} ({a.Role})"))));
        if (info.Inbox is { } inbox) table.AddRow("inbox", Markup.Escape($"{inbox.Url}   ({inbox.Server}, SMTP {inbox.Smtp})"));
        if (info.Telemetry is { } telemetry)
            table.AddRow("telemetry", Markup.Escape($"{telemetry.DashboardUrl}   (Aspire dashboard: traces, metrics, logs; OTLP {telemetry.Otlp})"));
        table.AddRow("run info", Markup.Escape(Path.Combine(data, "run.json")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Ctrl+C stops everything; data stays in [bold].hotel/[/] until [bold]./hotel reset[/].");
    }
}

public sealed record KafkaInfo(string BootstrapServers, bool Embedded);

public sealed record PostgresInfo(string ConnectionString, Dictionary<string, string> Databases);

/// <summary>The dev inbox: its web inbox URL (smtp4dev), its SMTP address and the server's name.</summary>
public sealed record InboxInfo(string Url, string Smtp, string Server);

/// <summary>Customer care's agent UI and the development accounts seeded in its appsettings.Development.json.</summary>
public sealed record AgentUiInfo(string Url, IReadOnlyList<DevAccount> DevAccounts);

public sealed record DevAccount(string Email, string Password, string Role);

/// <summary>The telemetry dashboard's web UI, and the OTLP endpoint the processes export to.</summary>
public sealed record TelemetryInfo(string DashboardUrl, string Otlp);

/// <summary>A service's current process: its pid, what the supervisor is doing with it, how often it was restarted in this run.</summary>
public sealed record ProcessInfo(int Pid, ServiceState State, int Restarts, int? LastExitCode, string Log);

/// <summary>
/// What runs where: written to <c>.hotel/run.json</c> for scripts, the benchmark and the dlq tool, and rewritten
/// whenever a service's process changes (<see cref="Processes"/>).
/// </summary>
public sealed record RunInfo(Dictionary<string, string> Services, KafkaInfo Kafka, PostgresInfo Postgres, int Pid, InboxInfo? Inbox = null, AgentUiInfo? AgentUi = null,
    Dictionary<string, ProcessInfo>? Processes = null, TelemetryInfo? Telemetry = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Written to a temporary file and moved over, so a reader never sees half of it.</summary>
    public static void Write(string data, RunInfo info)
    {
        var path = Path.Combine(data, "run.json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(info, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static void Delete(string data) => File.Delete(Path.Combine(data, "run.json"));

    /// <summary>Reads the run info of a live <c>./hotel run</c>, or explains that none runs.</summary>
    public static RunInfo ReadLive(string data)
    {
        var path = Path.Combine(data, "run.json");
        if (!File.Exists(path)) throw new CliException($"no ./hotel run is running ({path} is missing); start one first.");
        var info = JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path), Json) ?? throw new CliException($"{path} is empty.");
        try
        {
            if (!Process.GetProcessById(info.Pid).HasExited) return info;
        }
        catch (ArgumentException) { }
        throw new CliException($"the ./hotel run that wrote {path} (pid {info.Pid}) is gone; start one first.");
    }
}
