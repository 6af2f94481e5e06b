using Hotel.Eventing;
using Hotel.LocalInfra;
using Microsoft.Extensions.Logging;

namespace Hotel.Cli.Run;

/// <summary>
/// The suite on one machine: a private PostgreSQL cluster, Kafka (librdkafka's mock cluster in
/// this process unless a real one is named), every present service as a child process, and the
/// built-in CDC relay as one more (<c>hotel relay</c>, named <see cref="RelayName"/>), so each can be killed alone.
/// Used by <c>./hotel run</c> and <c>./hotel bench</c>. A child process that exits after start-up is started again
/// under <see cref="Options.Restarts"/>; one that exits during start-up fails the start.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    public const string RelayName = "relay";

    private readonly ILoggerFactory _loggers;
    private readonly Options _options;
    private readonly List<SupervisedService> _children = [];
    private SupervisedService? _relay;

    public required EmbeddedPostgres Postgres { get; init; }
    public EmbeddedKafka? EmbeddedKafka { get; init; }
    public required string BootstrapServers { get; init; }
    public required IReadOnlyList<ServiceDefinition> Services { get; init; }
    /// <summary>Every supervised child process: the services' instances and the relay.</summary>
    public IReadOnlyList<SupervisedService> Children { get { lock (_children) return [.. _children]; } }

    /// <summary>The services' instances, without the relay: what serves HTTP.</summary>
    public IEnumerable<SupervisedService> ServiceInstances => Children.Where(c => c != _relay);

    /// <summary>Completes with the first service the restart policy gave up on.</summary>
    public Task<SupervisedService> ServiceGaveUp { get; private set; } = new TaskCompletionSource<SupervisedService>().Task;

    /// <summary>The dev SMTP server notifications sends to (smtp4dev), unless Smtp__Host names a real one.</summary>
    public DevInbox? Inbox { get; private set; }

    /// <summary>The telemetry dashboard every child process exports to, when <see cref="Options.Dashboard"/> asked for one.</summary>
    public TelemetryDashboard? Dashboard { get; private set; }

    private LocalStack(ILoggerFactory loggers, Options options)
    {
        _loggers = loggers;
        _options = options;
    }

    public sealed record Options(string DataDirectory, int PostgresPort, bool Durable, string? ExternalKafka, Func<ServiceDefinition, int> PortOf, bool EchoServiceOutput,
        RestartPolicy Restarts, int Instances = 1, TimeSpan? KafkaSessionTimeout = null, bool Dashboard = false, bool DiscardMail = false);

    public static async Task<LocalStack> StartAsync(string root, Options options, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger("hotel");
        var services = ServiceCatalog.Present(root).ToList();
        var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(options.DataDirectory, "pg"), options.PostgresPort, options.Durable,
            progress: m => log.LogInformation("{Message}", m), ct: ct);
        try
        {
            foreach (var service in services) await postgres.EnsureDatabaseAsync(service.Database, ct);
        }
        catch
        {
            await postgres.DisposeAsync(); // cancelled (Ctrl+C) or failed before the stack that would stop it exists
            throw;
        }

        var embedded = string.IsNullOrWhiteSpace(options.ExternalKafka) ? EmbeddedKafka.Start() : null;
        if (embedded is not null && options.KafkaSessionTimeout is { } sessionTimeout) embedded.SetConsumerSessionTimeout(sessionTimeout);
        if (embedded is not null)
            foreach (var topic in ServiceCatalog.Topics)
            {
                embedded.CreateTopic(topic, ServiceCatalog.Partitions);
                embedded.CreateTopic(Topics.DeadLetter(topic), ServiceCatalog.Partitions);
            }
        var bootstrap = options.ExternalKafka ?? embedded!.BootstrapServers;
        log.LogInformation("Kafka at {Bootstrap} ({Kind})", bootstrap, embedded is null ? "external" : "embedded mock cluster, in memory");

        var stack = new LocalStack(loggers, options) { Postgres = postgres, EmbeddedKafka = embedded, BootstrapServers = bootstrap, Services = services };
        try
        {
            if (services.Any(s => s.Name == "notifications")) stack.Inbox = await DevInbox.StartAsync(root, options.DataDirectory, log, ct, options.DiscardMail);
            if (options.Dashboard) stack.Dashboard = await TelemetryDashboard.StartAsync(log, ct);
            void StartInstance(ServiceDefinition service, string name, int port)
            {
                var env = new Dictionary<string, string>
                {
                    ["Urls"] = $"http://127.0.0.1:{port}", // beats a Urls key in the service's appsettings.json
                    ["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development",
                    [$"ConnectionStrings__{service.ConnectionStringName}"] = postgres.ConnectionString(service.Database),
                    ["Kafka__BootstrapServers"] = bootstrap,
                    ["HOTEL_PARENT_PID"] = Environment.ProcessId.ToString(),
                };
                foreach (var (key, value) in stack.Dashboard?.EnvironmentFor(service.Name, name) ?? []) env[key] = value;
                // Where the others are (Services:Booking, Services:Billing, …): the website posts cards to billing,
                // the agent UI calls booking and notifications.
                foreach (var other in services) env[$"Services__{other.ConnectionStringName}"] = stack.UrlOf(other, options.PortOf);
                if (services.FirstOrDefault(s => s.Name == "booking") is { } booking)
                    env["Billing__PaymentForm__AllowedOrigins__0"] = stack.UrlOf(booking, options.PortOf); // billing's card form returns there
                if (service.Name == "notifications" && stack.Inbox is not null)
                {
                    env["Smtp__Host"] = "127.0.0.1";
                    env["Smtp__Port"] = stack.Inbox.SmtpPort.ToString();
                }
                var assembly = ServiceCatalog.AssemblyPath(root, service);
                var instance = service with { Name = name };
                stack.Add(SupervisedService.Start(name, port,
                    () => ServiceProcess.Start(instance, port, assembly, env, Path.Combine(options.DataDirectory, "logs"), options.EchoServiceOutput),
                    options.Restarts, log));
            }

            foreach (var service in services) StartInstance(service, service.Name, options.PortOf(service));
            await Task.WhenAll(stack.Children.Select(c => c.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), ct)));
            // More instances of each pure consumer only once the first has migrated its database: migrations do not run twice at once.
            var first = stack.Children.Count;
            foreach (var service in services.Where(s => s.IsPureConsumer))
                for (var i = 2; i <= options.Instances; i++)
                    StartInstance(service, $"{service.Name}-{i}", service.InstancePort(i, options.PortOf(service)));
            await Task.WhenAll(stack.Children.Skip(first).Select(c => c.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), ct)));
            foreach (var child in stack.Children) child.Supervise();
            await stack.StartRelayAsync(ct); // after the services have migrated their outbox tables
            stack.WatchForGivingUp();
            log.LogInformation("A service that exits is started again ({Policy})", options.Restarts.Describe());
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public string UrlOf(ServiceDefinition service, Func<ServiceDefinition, int> portOf) => $"http://127.0.0.1:{portOf(service)}";

    public IEnumerable<string> OutboxConnectionStrings =>
        Services.Where(s => s.HasOutbox).Select(s => Postgres.ConnectionString(s.Database));

    /// <summary>
    /// Starts the relay as a supervised child process (<c>hotel relay</c> with the outbox databases; <c>Relay__*</c> settings
    /// reach it through the inherited environment) and waits until it runs.
    /// </summary>
    public async Task StartRelayAsync(CancellationToken ct)
    {
        if (_relay is not null) return;
        if (!RelayCommand.OptionsFromEnvironment().Enabled)
        {
            // e.g. against a real Kafka cluster whose Debezium Connect captures the outboxes
            _loggers.CreateLogger("hotel").LogWarning("Relay__Enabled=false: the built-in relay is not started; outbox events reach Kafka only if Debezium captures them");
            return;
        }
        var arguments = new List<string> { "relay", "--bootstrap-servers", BootstrapServers };
        foreach (var database in OutboxConnectionStrings) arguments.AddRange(["--database", database]);
        var env = new Dictionary<string, string> { ["HOTEL_PARENT_PID"] = Environment.ProcessId.ToString() };
        foreach (var (key, value) in Dashboard?.EnvironmentFor(RelayName, RelayName) ?? []) env[key] = value;
        var cli = typeof(LocalStack).Assembly.Location; // hotel.dll, run by dotnet as the services are
        var relay = SupervisedService.Start(RelayName, 0,
            () => ServiceProcess.StartCommand(RelayName, cli, arguments, env, Path.Combine(_options.DataDirectory, "logs"), _options.EchoServiceOutput, RelayCommand.ReadyLine),
            _options.Restarts, _loggers.CreateLogger("hotel"));
        _relay = relay;
        Add(relay);
        await relay.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
        relay.Supervise();
        WatchForGivingUp();
    }

    public async Task StopRelayAsync()
    {
        if (_relay is not { } relay) return;
        _relay = null;
        await relay.StopAsync(TimeSpan.FromSeconds(15));
        lock (_children) _children.Remove(relay);
        WatchForGivingUp();
    }

    private void Add(SupervisedService child)
    {
        lock (_children) _children.Add(child);
    }

    private void WatchForGivingUp()
    {
        var children = Children;
        if (children.Count > 0) ServiceGaveUp = Task.WhenAny(children.Select(c => c.GaveUp)).Unwrap();
    }

    public async ValueTask DisposeAsync()
    {
        await StopRelayAsync();
        await Task.WhenAll(Children.Select(c => c.StopAsync(TimeSpan.FromSeconds(15))));
        if (Inbox is not null) await Inbox.DisposeAsync();
        if (Dashboard is not null) await Dashboard.DisposeAsync(); // after the services, which flush their telemetry as they stop
        EmbeddedKafka?.Dispose();
        await Postgres.DisposeAsync();
    }
}
