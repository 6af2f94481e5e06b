using Hotel.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace Hotel.Cli;

public static class CliLogging
{
    /// <param name="jsonLinesAs">A service name: JSON lines as the services write them (the relay), unless
    /// <c>Logging__Format</c> is <c>text</c>; null: one plain line per message (the CLI's own output).</param>
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Information, RelayTelemetry? telemetry = null, string? jsonLinesAs = null) => LoggerFactory.Create(b =>
    {
        if (jsonLinesAs is not null && Environment.GetEnvironmentVariable("Logging__Format") != "text") b.AddJsonLinesConsole(jsonLinesAs);
        else b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        b.SetMinimumLevel(minimum).AddFilter("Microsoft", LogLevel.Warning);
        telemetry?.AddTo(b);
    });
}
