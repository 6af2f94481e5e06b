using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Hotel.Cdc;
using Hotel.Eventing;
using Hotel.Eventing.Kafka;
using Hotel.LocalInfra;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hotel.Cli.Run;

/// <summary>
/// <c>./hotel run</c>: the whole suite on one machine, on embedded defaults. PostgreSQL runs as a
/// private cluster in <c>.hotel/pg</c>; Kafka is librdkafka's mock cluster inside this process
/// (unless HOTEL_KAFKA_BOOTSTRAP_SERVERS names a real one); the CDC relay runs here too; each
/// service is a child process that stops when this one does, even after <c>kill -9</c>.
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

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
        var log = loggers.CreateLogger("hotel");
        var services = ServiceCatalog.Present(root).ToList();

        var pgPort = int.TryParse(Environment.GetEnvironmentVariable("HOTEL_PG_PORT"), out var p) ? p : 5433;
        await using var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(data, "pg"), pgPort, durable: true,
            progress: m => log.LogInformation("{Message}", m), ct: stop.Token);
        foreach (var service in services) await postgres.EnsureDatabaseAsync(service.Database, stop.Token);

        var externalKafka = Environment.GetEnvironmentVariable("HOTEL_KAFKA_BOOTSTRAP_SERVERS");
        using var embeddedKafka = string.IsNullOrWhiteSpace(externalKafka) ? EmbeddedKafka.Start() : null;
        var bootstrap = externalKafka ?? embeddedKafka!.BootstrapServers;
        if (embeddedKafka is not null)
            foreach (var topic in ServiceCatalog.Topics)
            {
                embeddedKafka.CreateTopic(topic, ServiceCatalog.Partitions);
                embeddedKafka.CreateTopic(Topics.DeadLetter(topic), ServiceCatalog.Partitions);
            }
        log.LogInformation("Kafka at {Bootstrap} ({Kind})", bootstrap, embeddedKafka is null ? "external" : "embedded mock cluster, in memory");

        var children = new List<ServiceProcess>();
        OutboxRelayService? relay = null;
        try
        {
            foreach (var service in services)
            {
                var env = new Dictionary<string, string>
                {
                    ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{service.Port}",
                    ["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development",
                    [$"ConnectionStrings__{service.ConnectionStringName}"] = postgres.ConnectionString(service.Database),
                    ["Kafka__BootstrapServers"] = bootstrap,
                    ["HOTEL_PARENT_PID"] = Environment.ProcessId.ToString(),
                };
                children.Add(ServiceProcess.Start(service, ServiceCatalog.AssemblyPath(root, service), env, Path.Combine(data, "logs")));
            }
            await Task.WhenAll(children.Select(c => c.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), stop.Token)));

            // The relay starts once services have migrated their outbox tables.
            relay = new OutboxRelayService(
                services.Where(s => s.HasOutbox).Select(s => postgres.ConnectionString(s.Database)).ToList(),
                new KafkaOptions { BootstrapServers = bootstrap }, new OutboxRelayOptions(), loggers);
            await relay.StartAsync(stop.Token);

            var info = new RunInfo(
                services.ToDictionary(s => s.Name, s => $"http://127.0.0.1:{s.Port}"),
                new KafkaInfo(bootstrap, embeddedKafka is not null),
                new PostgresInfo(postgres.ConnectionString("postgres"), services.ToDictionary(s => s.Name, s => postgres.ConnectionString(s.Database))),
                Environment.ProcessId);
            await RunInfo.WriteAsync(data, info);
            PrintTable(info, data);

            await WaitAsync(stop.Token, children);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        finally
        {
            log.LogInformation("Stopping…");
            if (relay is not null)
            {
                await relay.StopAsync(CancellationToken.None);
                relay.Dispose();
            }
            await Task.WhenAll(children.Select(c => c.StopAsync(TimeSpan.FromSeconds(15))));
            RunInfo.Delete(data);
        }
        log.LogInformation("Stopped. Data stays in {Data} (./hotel reset deletes it).", data);
        return children.Any(c => c.FailedUnexpectedly) ? 1 : 0;
    }

    private static async Task WaitAsync(CancellationToken stop, List<ServiceProcess> children)
    {
        var exited = Task.WhenAny(children.Select(c => c.Exited));
        await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stop)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!stop.IsCancellationRequested)
        {
            var dead = children.First(c => c.Exited.IsCompleted);
            AnsiConsole.MarkupLineInterpolated($"[red]{dead.Name} exited unexpectedly (code {dead.ExitCode}); stopping the suite. Its log: {dead.LogFile}[/]");
        }
    }

    private static void PrintTable(RunInfo info, string data)
    {
        var table = new Table().Title("[bold]Hotel is running[/]").AddColumn("what").AddColumn("where");
        foreach (var (name, url) in info.Services) table.AddRow(Markup.Escape(name), Markup.Escape($"{url}   (OpenAPI {url}/openapi/v1.json)"));
        table.AddRow("kafka", Markup.Escape($"{info.Kafka.BootstrapServers}{(info.Kafka.Embedded ? "   (embedded, in memory)" : "")}"));
        table.AddRow("postgres", Markup.Escape(info.Postgres.ConnectionString));
        table.AddRow("run info", Markup.Escape(Path.Combine(data, "run.json")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Ctrl+C stops everything; data stays in [bold].hotel/[/] until [bold]./hotel reset[/].");
    }
}

public sealed record KafkaInfo(string BootstrapServers, bool Embedded);

public sealed record PostgresInfo(string ConnectionString, Dictionary<string, string> Databases);

/// <summary>What runs where: written to <c>.hotel/run.json</c> for scripts, the benchmark and the dlq tool.</summary>
public sealed record RunInfo(Dictionary<string, string> Services, KafkaInfo Kafka, PostgresInfo Postgres, int Pid)
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
