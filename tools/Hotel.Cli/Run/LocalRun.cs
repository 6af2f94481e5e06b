using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hotel.Cli.Run;

/// <summary>
/// <c>./hotel run</c>: the whole suite on embedded defaults, until Ctrl+C or SIGTERM. Data stays in
/// <c>.hotel/</c>; services stop with this process, even after <c>kill -9</c> (they watch its pid).
/// </summary>
public static class LocalRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0) throw new CliException($"run takes no arguments (got '{string.Join(' ', args)}'); configure it with environment variables, see ./hotel help.");
        var root = ServiceCatalog.RepositoryRoot();
        var data = ServiceCatalog.DataDirectory(root);
        Directory.CreateDirectory(data);
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var loggers = CliLogging.Create();
        var log = loggers.CreateLogger("hotel");

        var pgPort = int.TryParse(Environment.GetEnvironmentVariable("HOTEL_PG_PORT"), out var p) ? p : 5433;
        var options = new LocalStack.Options(data, pgPort, Durable: true, Environment.GetEnvironmentVariable("HOTEL_KAFKA_BOOTSTRAP_SERVERS"),
            s => s.Port, EchoServiceOutput: true);
        LocalStack stack;
        try { stack = await LocalStack.StartAsync(root, options, loggers, stop.Token); }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { return 130; }

        await using (stack)
        {
            var info = new RunInfo(
                stack.Services.ToDictionary(s => s.Name, s => stack.UrlOf(s, options.PortOf)),
                new KafkaInfo(stack.BootstrapServers, stack.EmbeddedKafka is not null),
                new PostgresInfo(stack.Postgres.AdminConnectionString, stack.Services.ToDictionary(s => s.Name, s => stack.Postgres.ConnectionString(s.Database))),
                Environment.ProcessId,
                stack.Inbox is { } inbox ? new InboxInfo(inbox.Where, $"127.0.0.1:{inbox.SmtpPort}", inbox.Server) : null,
                stack.Services.FirstOrDefault(s => s.Name == "customer-care") is { } care
                    ? new AgentUiInfo(stack.UrlOf(care, options.PortOf), DevAgentAccounts)
                    : null);
            await RunInfo.WriteAsync(data, info);
            PrintTable(info, data);
            try
            {
                await WaitAsync(stop.Token, stack.Children);
            }
            finally
            {
                log.LogInformation("Stopping…");
                RunInfo.Delete(data);
            }
        }
        log.LogInformation("Stopped. Data stays in {Data} (./hotel reset deletes it).", data);
        return stack.Children.Any(c => c.FailedUnexpectedly) ? 1 : 0;
    }

    private static async Task WaitAsync(CancellationToken stop, IReadOnlyList<ServiceProcess> children)
    {
        var exited = Task.WhenAny(children.Select(c => c.Exited).DefaultIfEmpty(Task.Delay(Timeout.Infinite, CancellationToken.None)));
        await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stop)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!stop.IsCancellationRequested)
        {
            var dead = children.First(c => c.Exited.IsCompleted);
            AnsiConsole.MarkupLineInterpolated($"[red]{dead.Name} exited unexpectedly (code {dead.ExitCode}); stopping the suite. Its log: {dead.LogFile}[/]");
        }
    }

    /// <summary>Local-development sign-ins (hashed in customer care's appsettings.Development.json); never used outside Development.</summary>
    private static readonly DevAccount[] DevAgentAccounts =
    [
        new("agent@hotel.local", "agent-dev-password", "agent"),
        new("supervisor@hotel.local", "supervisor-dev-password", "supervisor"),
    ];

    private static void PrintTable(RunInfo info, string data)
    {
        var table = new Table().Title("[bold]Hotel is running[/]").AddColumn("what").AddColumn("where");
        foreach (var (name, url) in info.Services) table.AddRow(Markup.Escape(name), Markup.Escape($"{url}   (OpenAPI {url}/openapi/v1.json)"));
        table.AddRow("kafka", Markup.Escape($"{info.Kafka.BootstrapServers}{(info.Kafka.Embedded ? "   (embedded, in memory)" : "")}"));
        table.AddRow("postgres", Markup.Escape(info.Postgres.ConnectionString));
        if (info.AgentUi is { } agentUi)
            table.AddRow("agent UI", Markup.Escape($"{agentUi.Url}   sign in as " + string.Join(" or ", agentUi.DevAccounts.Select(a => $"{a.Email} / {a.Password} ({a.Role})"))));
        if (info.Inbox is { } inbox) table.AddRow("inbox", Markup.Escape($"{inbox.Url}   ({inbox.Server}, SMTP {inbox.Smtp})"));
        table.AddRow("run info", Markup.Escape(Path.Combine(data, "run.json")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Ctrl+C stops everything; data stays in [bold].hotel/[/] until [bold]./hotel reset[/].");
    }
}

public sealed record KafkaInfo(string BootstrapServers, bool Embedded);

public sealed record PostgresInfo(string ConnectionString, Dictionary<string, string> Databases);

/// <summary>The dev inbox: its web inbox URL (maildev) or Maildir folder (aiosmtpd fallback), and its SMTP address.</summary>
public sealed record InboxInfo(string Url, string Smtp, string Server);

/// <summary>Customer care's agent UI and the development accounts seeded in its appsettings.Development.json.</summary>
public sealed record AgentUiInfo(string Url, IReadOnlyList<DevAccount> DevAccounts);

public sealed record DevAccount(string Email, string Password, string Role);

/// <summary>What runs where: written to <c>.hotel/run.json</c> for scripts, the benchmark and the dlq tool.</summary>
public sealed record RunInfo(Dictionary<string, string> Services, KafkaInfo Kafka, PostgresInfo Postgres, int Pid, InboxInfo? Inbox = null, AgentUiInfo? AgentUi = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task WriteAsync(string data, RunInfo info)
    {
        var path = Path.Combine(data, "run.json");
        await File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(info, Json));
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
