using Hotel.Cdc;
using Hotel.Eventing.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Hotel.Cli;

/// <summary>
/// <c>./hotel relay</c>: the CDC relay on its own, for databases and a broker given on the command line; <c>Relay__*</c>
/// environment variables set the other <see cref="OutboxRelayOptions"/>. <c>./hotel run</c> runs it as a supervised child
/// process, which stops when <c>HOTEL_PARENT_PID</c> is gone.
/// </summary>
public static class RelayCommand
{
    /// <summary>Written once the relay runs: what <c>./hotel run</c> waits for before it counts the relay as ready.</summary>
    public const string ReadyLine = "Relay started";

    public static async Task<int> RunAsync(IReadOnlyList<string> databases, string? bootstrap, double? retentionDays, CancellationToken stop)
    {
        bootstrap ??= Environment.GetEnvironmentVariable("HOTEL_KAFKA_BOOTSTRAP_SERVERS");
        var options = OptionsFromEnvironment();
        if (retentionDays is { } days) options.RetentionDays = days;
        if (databases.Count == 0) throw new CliException("give at least one --database <connection string>.");
        if (string.IsNullOrWhiteSpace(bootstrap)) throw new CliException("give --bootstrap-servers host:port (or set HOTEL_KAFKA_BOOTSTRAP_SERVERS).");

        using var telemetry = RelayTelemetry.StartIfConfigured();
        using var loggers = CliLogging.Create(telemetry: telemetry, jsonLinesAs: Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : "relay");
        using var relay = new OutboxRelayService(databases, new KafkaOptions { BootstrapServers = bootstrap }, options, loggers);
        var log = loggers.CreateLogger("hotel.relay");
        await relay.StartAsync(stop);
        log.LogInformation(ReadyLine + " for {Count} database(s), Kafka at {Bootstrap}", databases.Count, bootstrap);
        try { await StopWhenParentIsGoneAsync(log, stop); }
        catch (OperationCanceledException) { }
        await relay.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary><c>Relay__RetentionDays</c>, <c>Relay__HeartbeatInterval</c> … from the environment.</summary>
    public static OutboxRelayOptions OptionsFromEnvironment()
    {
        var options = new OutboxRelayOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(OutboxRelayOptions.Section).Bind(options);
        return options;
    }

    /// <summary>
    /// Until stopped, or, as a child of <c>./hotel run</c>, until that parent is gone (even after its <c>kill -9</c>),
    /// so no orphan relay keeps reading the slots the next run needs.
    /// </summary>
    private static async Task StopWhenParentIsGoneAsync(ILogger log, CancellationToken ct)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("HOTEL_PARENT_PID"), out var parent))
        {
            await Task.Delay(Timeout.Infinite, ct);
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(ct))
        {
            if (IsAlive(parent)) continue;
            log.LogWarning("Parent process {Pid} is gone; stopping", parent);
            return;
        }
    }

    private static bool IsAlive(int pid)
    {
        try { return !System.Diagnostics.Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return false; }
    }
}
