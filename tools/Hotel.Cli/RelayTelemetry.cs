using Hotel.Eventing.Consuming;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hotel.Cli;

/// <summary>
/// The relay's traces (a span per event it produces), metrics (<c>hotel.relay.*</c>) and logs, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (./hotel run sets it to the dashboard); service.name <c>OTEL_SERVICE_NAME</c>,
/// else <c>relay</c>. The services get the same from ServiceDefaults; the relay runs in the CLI, which has no host.
/// </summary>
public sealed class RelayTelemetry : IDisposable
{
    private readonly TracerProvider _traces;
    private readonly MeterProvider _metrics;

    private RelayTelemetry(ResourceBuilder resource)
    {
        _traces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(ConsumerTelemetry.Name).AddOtlpExporter().Build();
        _metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(ConsumerTelemetry.Name).AddOtlpExporter().Build();
        Resource = resource;
    }

    private ResourceBuilder Resource { get; }

    public static bool Configured => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));

    /// <summary>Null when no OTLP endpoint is configured: nothing is collected at all.</summary>
    public static RelayTelemetry? StartIfConfigured() =>
        Configured ? new RelayTelemetry(ResourceBuilder.CreateDefault().AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : "relay")) : null;

    /// <summary>The relay's log lines go to the same endpoint, beside the console.</summary>
    public void AddTo(ILoggingBuilder logging) => logging.AddOpenTelemetry(o =>
    {
        o.SetResourceBuilder(Resource);
        o.IncludeFormattedMessage = true;
        o.AddOtlpExporter();
    });

    public void Dispose()
    {
        _traces.Dispose(); // flushes what is buffered
        _metrics.Dispose();
    }
}
