using System.Net.Http.Json;
using System.Text.Json;

namespace Hotel.EndToEnd.Tests;

/// <summary>A span as the Aspire dashboard received it over OTLP: the process that sent it (service.name), and its own fields.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string? ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>The spans the run's telemetry dashboard holds, read through its HTTP API (<c>/api/telemetry</c>, OTLP JSON).</summary>
public sealed class DashboardTraces(string dashboardUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(dashboardUrl) };

    /// <summary>Every span it holds, or one trace's (none while the dashboard has not received that trace yet).</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> SpansAsync(string? traceId = null)
    {
        using var response = await _http.GetAsync(traceId is null ? "/api/telemetry/spans?limit=100000" : $"/api/telemetry/traces/{traceId}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound && traceId is not null) return [];
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static List<ReceivedSpan> Parse(JsonElement response)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var resource in response.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = Attributes(resource.GetProperty("resource")).GetValueOrDefault("service.name", "?");
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                    spans.Add(new ReceivedSpan(service, span.GetProperty("traceId").GetString()!, span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } p ? p : null,
                        span.GetProperty("name").GetString()!, Attributes(span)));
        }
        return spans;
    }

    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>();
        if (!owner.TryGetProperty("attributes", out var list)) return attributes;
        foreach (var attribute in list.EnumerateArray())
        {
            var value = attribute.GetProperty("value");
            attributes[attribute.GetProperty("key").GetString()!] = value.EnumerateObject().FirstOrDefault().Value.ToString();
        }
        return attributes;
    }

    public void Dispose() => _http.Dispose();
}
