using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace Hotel.Eventing.Consuming;

/// <summary>Reading and keeping Kafka headers the way the Outbox Event Router writes them.</summary>
public static class MessageHeaders
{
    /// <summary>
    /// The last value of header <paramref name="name"/> as text, or null. Debezium may write header
    /// values JSON-quoted (<c>"abc"</c>) depending on its converter; both forms read as <c>abc</c>.
    /// </summary>
    public static string? GetString(Headers? headers, string name)
    {
        if (headers is null || !headers.TryGetLastBytes(name, out var bytes) || bytes is null) return null;
        return Unquote(Encoding.UTF8.GetString(bytes));
    }

    public static string Unquote(string value)
    {
        var text = value.Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            try { return JsonSerializer.Deserialize<string>(text) ?? ""; }
            catch (JsonException) { return text[1..^1]; }
        }
        return text;
    }

    /// <summary>Headers as a JSON object (name → UTF-8 value; a repeated name keeps its last value).</summary>
    public static string ToJson(Headers? headers)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (headers is not null)
            foreach (var header in headers)
            {
                var bytes = header.GetValueBytes();
                map[header.Key] = bytes is null ? null : Encoding.UTF8.GetString(bytes);
            }
        return JsonSerializer.Serialize(map);
    }

    /// <summary>The inverse of <see cref="ToJson"/>.</summary>
    public static Headers FromJson(string? json)
    {
        var headers = new Headers();
        if (string.IsNullOrWhiteSpace(json)) return headers;
        var map = JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [];
        foreach (var (name, value) in map)
            headers.Add(name, value is null ? null : Encoding.UTF8.GetBytes(value));
        return headers;
    }
}
