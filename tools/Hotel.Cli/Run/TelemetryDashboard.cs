using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Hotel.Cli.Run;

/// <summary>
/// The run's trace, metric and log viewer: the standalone Aspire dashboard (NuGet Aspire.Dashboard.Sdk.linux-x64, restored
/// with the CLI), on loopback and without sign-in, since it runs on the developer's machine for that developer.
/// Every service and the relay export OTLP to it. Ports: <c>HOTEL_DASHBOARD_PORT</c> (18888, the web UI),
/// <c>HOTEL_OTLP_PORT</c> (18889, OTLP/gRPC), <c>HOTEL_OTLP_HTTP_PORT</c> (18890, OTLP/HTTP); <c>HOTEL_DASHBOARD=off</c> runs without.
/// </summary>
public sealed class TelemetryDashboard : IAsyncDisposable
{
    private readonly Process _process;

    public string Url { get; }

    /// <summary>Where services send OTLP over gRPC (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public string OtlpEndpoint { get; }

    public int ProcessId => _process.Id;

    private TelemetryDashboard(Process process, string url, string otlpEndpoint)
    {
        _process = process;
        Url = url;
        OtlpEndpoint = otlpEndpoint;
    }

    public static bool Wanted => !string.Equals(Environment.GetEnvironmentVariable("HOTEL_DASHBOARD"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The executable in the restored package (its path is written into the CLI at build time).</summary>
    public static string Executable =>
        typeof(TelemetryDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AspireDashboard")?.Value ?? "";

    public static async Task<TelemetryDashboard> StartAsync(ILogger log, CancellationToken ct)
    {
        if (!File.Exists(Executable))
            throw new CliException($"the Aspire dashboard is not at '{Executable}' (it comes with the CLI's build, for linux-x64 only); run with HOTEL_DASHBOARD=off to go without it.");
        var webPort = WatchedProcess.PortFrom("HOTEL_DASHBOARD_PORT", 18888);
        var grpcPort = WatchedProcess.PortFrom("HOTEL_OTLP_PORT", 18889);
        var httpPort = WatchedProcess.PortFrom("HOTEL_OTLP_HTTP_PORT", 18890);
        foreach (var (port, variable) in new[] { (webPort, "HOTEL_DASHBOARD_PORT"), (grpcPort, "HOTEL_OTLP_PORT"), (httpPort, "HOTEL_OTLP_HTTP_PORT") })
            if (await WatchedProcess.AcceptsAsync(port, ct))
                throw new CliException($"port {port} (telemetry dashboard) is taken, perhaps by a dashboard a killed run left behind; stop it, set {variable}, or HOTEL_DASHBOARD=off.");

        var url = $"http://127.0.0.1:{webPort}";
        var process = WatchedProcess.Start(Executable, [], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{grpcPort}",
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{httpPort}",
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true", // loopback only: the developer's own machine
            ["ASPNETCORE_ENVIRONMENT"] = "Production", // its own, whatever the services run as
        });
        var dashboard = new TelemetryDashboard(process, url, $"http://127.0.0.1:{grpcPort}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await WatchedProcess.AcceptsAsync(grpcPort, ct) || !await WatchedProcess.AcceptsAsync(webPort, ct))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await dashboard.DisposeAsync();
                throw new CliException($"the Aspire dashboard did not start listening on {url} and OTLP port {grpcPort}; run with HOTEL_DASHBOARD=off to go without it.");
            }
            await Task.Delay(100, ct);
        }
        log.LogInformation("Telemetry dashboard (Aspire): {Url}, OTLP/gRPC {Otlp}", url, dashboard.OtlpEndpoint);
        return dashboard;
    }

    /// <summary>What a process needs to send it traces, metrics and logs under its name.</summary>
    public Dictionary<string, string> EnvironmentFor(string serviceName, string instance) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = OtlpEndpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        ["OTEL_SERVICE_NAME"] = serviceName,
        ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instance}",
        // The dashboard shows a metric as it changes: every 5 s rather than the SDK's 60 s.
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "5000",
    };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
