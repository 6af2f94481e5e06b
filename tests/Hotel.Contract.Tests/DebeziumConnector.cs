using Hotel.Testing;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hotel.Cdc;

namespace Hotel.Contract.Tests;

/// <summary>
/// A Debezium Postgres connector configuration from deploy/debezium, and what its Outbox Event
/// Router promises to emit for an outbox row, rendered from the settings (Debezium's defaults where
/// a setting is absent): the topic from <c>route.by.field</c> through <c>route.topic.regex</c> /
/// <c>route.topic.replacement</c>, the key from <c>table.field.event.key</c>, the value from
/// <c>table.field.event.payload</c> (expanded as <see cref="DebeziumJsonExpansion"/> does when
/// <c>table.expand.json.payload</c>, else the text as a JSON string), the event id header <c>id</c>, and one
/// header per <c>column:header:name</c> of <c>table.fields.additional.placement</c> — present with a null
/// value when the column is null (EventRouterDelegate adds it whatever its value).
/// </summary>
public sealed class DebeziumConnector
{
    private const string Router = "transforms.outbox.";

    public string Name { get; }
    public IReadOnlyDictionary<string, string> Config { get; }

    private DebeziumConnector(string name, IReadOnlyDictionary<string, string> config)
    {
        Name = name;
        Config = config;
    }

    public static IEnumerable<DebeziumConnector> All() =>
        Directory.GetFiles(Repository.PathOf("deploy/debezium"), "*.json").Order().Select(Load);

    public static DebeziumConnector Load(string path) =>
        new(Path.GetFileNameWithoutExtension(path), JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!);

    public string Setting(string key) => Config.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"{Name}: '{key}' is not set");

    public string RouterSetting(string key, string debeziumDefault) => Config.TryGetValue(Router + key, out var v) ? v : debeziumDefault;

    public string Database => Setting("database.dbname");

    /// <summary>The captured table, without schema: <c>public.outbox</c> → <c>outbox</c>.</summary>
    public string Table => Setting("table.include.list").Split('.').Last();

    public string IdColumn => RouterSetting("table.field.event.id", "id");
    public string KeyColumn => RouterSetting("table.field.event.key", "aggregateid");
    public string PayloadColumn => RouterSetting("table.field.event.payload", "payload");
    /// <summary>The column the router reads the Kafka record timestamp from; null (Debezium's default) uses when it processed the change.</summary>
    public string? TimestampColumn => Config.GetValueOrDefault(Router + "table.field.event.timestamp");
    public string RouteByColumn => RouterSetting("route.by.field", "aggregatetype");
    public bool ExpandsJsonPayload => bool.Parse(RouterSetting("table.expand.json.payload", "false"));
    public bool KeepsJsonNulls => RouterSetting("table.json.payload.null.behavior", "ignore") == "optional_bytes";

    /// <summary><c>column:header:name</c> entries of <c>table.fields.additional.placement</c> as (column, header name).</summary>
    public IReadOnlyList<(string Column, string Header)> HeaderPlacements =>
        RouterSetting("table.fields.additional.placement", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':'))
            .Where(p => p.Length >= 3 && p[1] == "header")
            .Select(p => (p[0], p[2]))
            .ToList();

    /// <summary>Every outbox column the connector refers to.</summary>
    public IEnumerable<string> ReferencedColumns =>
        new[] { IdColumn, KeyColumn, PayloadColumn, TimestampColumn, RouteByColumn }.OfType<string>().Concat(HeaderPlacements.Select(h => h.Column));

    public string TopicFor(string routedByValue)
    {
        // Java's named groups and ${name} replacement map onto .NET's (?<name>) and ${name}.
        var regex = new Regex("^" + RouterSetting("route.topic.regex", "(?<routedByValue>.*)") + "$");
        return regex.Replace(routedByValue, RouterSetting("route.topic.replacement", "outbox.event.${routedByValue}"));
    }

    public RenderedMessage Render(OutboxRecord row)
    {
        var columns = new Dictionary<string, string?>
        {
            ["id"] = row.Id.ToString(),
            ["aggregatetype"] = row.AggregateType,
            ["aggregateid"] = row.AggregateId,
            ["type"] = row.Type,
            ["payload"] = row.Payload,
            ["timestamp"] = row.Timestamp.ToString("O"),
            ["tracingspancontext"] = row.TracingSpanContext,
        };
        var headers = new SortedDictionary<string, string?>(StringComparer.Ordinal) { ["id"] = columns[IdColumn]! };
        foreach (var (column, header) in HeaderPlacements)
            headers[header] = columns[column];
        var payload = columns[PayloadColumn]!;
        return new RenderedMessage(TopicFor(columns[RouteByColumn]!), columns[KeyColumn]!,
            ExpandsJsonPayload ? DebeziumJsonExpansion.Expand(payload, KeepsJsonNulls) : JsonSerializer.Serialize(payload), headers);
    }
}

public sealed record RenderedMessage(string Topic, string Key, string Value, SortedDictionary<string, string?> Headers);
