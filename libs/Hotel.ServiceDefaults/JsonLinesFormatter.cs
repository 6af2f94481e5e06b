using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Hotel.ServiceDefaults;

public sealed class JsonLinesFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>The <c>service</c> field of every line (the same name as the telemetry's service.name).</summary>
    public string Service { get; set; } = "";
}

/// <summary>
/// One JSON object per line: timestamp (UTC, ISO 8601), level, service, category, message, the trace and span ids of the
/// span the line was written in (when traced), event id, exception, and the message's named values under <c>state</c>.
/// For a person with <c>jq</c> and for a log shipper alike; <c>./hotel run</c> keeps these lines in <c>.hotel/logs</c>.
/// </summary>
public sealed class JsonLinesFormatter(IOptionsMonitor<JsonLinesFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "hotel-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTime.UtcNow.ToString("O"));
            json.WriteString("level", Level(logEntry.LogLevel));
            json.WriteString("service", options.CurrentValue.Service);
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", message);
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } span)
            {
                json.WriteString("traceId", span.TraceId.ToHexString());
                json.WriteString("spanId", span.SpanId.ToHexString());
            }
            if (logEntry.EventId.Id != 0) json.WriteNumber("eventId", logEntry.EventId.Id);
            if (logEntry.Exception is { } exception) json.WriteString("exception", exception.ToString());
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> { Count: > 1 } values)
            {
                json.WriteStartObject("state");
                foreach (var (key, value) in values)
                    if (key != "{OriginalFormat}") json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };
}

public static class JsonLinesLogging
{
    /// <summary>The console logger, writing <see cref="JsonLinesFormatter"/> lines for <paramref name="service"/>.</summary>
    public static ILoggingBuilder AddJsonLinesConsole(this ILoggingBuilder logging, string service) => logging
        .AddConsole(o => o.FormatterName = JsonLinesFormatter.FormatterName)
        .AddConsoleFormatter<JsonLinesFormatter, JsonLinesFormatterOptions>(o => o.Service = service);
}
