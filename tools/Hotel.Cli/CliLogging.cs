using Microsoft.Extensions.Logging;

namespace Hotel.Cli;

public static class CliLogging
{
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Information, RelayTelemetry? telemetry = null) => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .SetMinimumLevel(minimum)
            .AddFilter("Microsoft", LogLevel.Warning);
        telemetry?.AddTo(b);
    });
}
