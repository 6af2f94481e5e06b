using Microsoft.Extensions.Logging;

namespace Hotel.Bench.Peer;

public static class ChildLogging
{
    /// <summary>Warnings and up, all to stderr: stdout carries the protocol.</summary>
    public static ILoggingBuilder ToStandardError(this ILoggingBuilder logging) =>
        logging.ClearProviders()
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning);
}
