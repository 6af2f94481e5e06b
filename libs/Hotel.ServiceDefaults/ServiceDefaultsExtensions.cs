using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hotel.ServiceDefaults;

/// <summary>What every Hotel service has: structured logs, health endpoints, OpenTelemetry, ProblemDetails.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>ActivitySource and Meter name shared by the eventing code (relay, consumers).</summary>
    public const string TelemetryName = "Hotel";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        // JSON lines (timestamp, level, service, trace and span ids) unless Logging:Format is "text": one line per message
        // on the console, which ./hotel run and compose keep.
        builder.Logging.ClearProviders();
        if (builder.Configuration["Logging:Format"] == "text")
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        else
            builder.Logging.AddJsonLinesConsole(ServiceName(builder));

        builder.Services.AddProblemDetails();
        // Before each service's own handlers: a database outage is a 503 wherever it surfaces.
        builder.Services.AddExceptionHandler<TransientFailureExceptionHandler>();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        // Traces, metrics and logs only where a collector takes them (OTEL_EXPORTER_OTLP_ENDPOINT: the Aspire dashboard
        // that ./hotel run starts, or docker-compose's). Without one, spans and measurements would be made for nobody, on
        // the path of every request, query and event.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(ServiceName(builder)))
                .WithLogging()
                .WithTracing(t => t
                    .AddSource(TelemetryName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql())
                .WithMetrics(m => m
                    .AddMeter(TelemetryName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation())
                .UseOtlpExporter();

        builder.Services.AddHostedService<ParentProcessWatchdog>();
        return builder;
    }

    /// <summary>
    /// <c>service.name</c>: <c>OTEL_SERVICE_NAME</c> when set (./hotel run and compose set it), else the project's name as the
    /// suite names its services: Hotel.CustomerCare → customer-care.
    /// </summary>
    public static string ServiceName(IHostApplicationBuilder builder) =>
        builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name
            ? name
            : System.Text.RegularExpressions.Regex.Replace(builder.Environment.ApplicationName.Replace("Hotel.", ""), "(?<=[a-z])(?=[A-Z])", "-").ToLowerInvariant();

    /// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (every check passes).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready");
        return app;
    }
}

/// <summary>
/// Stops a service started by <c>./hotel run</c> when that parent process is gone (even after
/// <c>kill -9</c>), so no orphan keeps a port. Active only when <c>HOTEL_PARENT_PID</c> is set.
/// </summary>
internal sealed class ParentProcessWatchdog(IHostApplicationLifetime lifetime, ILogger<ParentProcessWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("HOTEL_PARENT_PID"), out var pid)) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (IsAlive(pid)) continue;
            logger.LogWarning("Parent process {Pid} is gone; stopping", pid);
            lifetime.StopApplication();
            return;
        }
    }

    private static bool IsAlive(int pid)
    {
        try { return !System.Diagnostics.Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return false; }
    }
}
