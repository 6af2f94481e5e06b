namespace Hotel.Contract.Tests;

/// <summary>
/// What Debezium 3.0's Outbox Event Router does with <c>table.field.event.timestamp</c>, transcribed from
/// <c>EventRouterDelegate.getEventTimestampMs</c> (debezium/debezium v3.0.0.Final, debezium-core/…/transforms/outbox):
/// no setting → the envelope's <c>ts_ms</c> (when Debezium processed the change). Otherwise the field is read with
/// <c>Struct.getInt64</c> (anything but an INT64 schema throws a DataException), a null value falls back to
/// <c>ts_ms</c>, and the schema must carry one of three logical names; an INT64 without a name (a plain
/// <c>bigint</c>) or with another name throws a ConnectException. Either exception fails the task under
/// the default <c>errors.tolerance=none</c>.
/// </summary>
public static class DebeziumEventTimestamp
{
    private static readonly HashSet<string> ReadableLogicalTypes =
        ["io.debezium.time.Timestamp", "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp"];

    /// <summary>Null when the router can read the field as the record timestamp, else why the connector's task fails.</summary>
    public static string? WhyTheRouterFails(DebeziumColumnSchema schema) =>
        schema.Type != "INT64" ? $"getInt64 on a {schema.Type} field ({schema.Name ?? "no logical type"}) throws a DataException"
        : schema.Name is null ? "an INT64 field without a logical schema name is rejected (ConnectException)"
        : ReadableLogicalTypes.Contains(schema.Name) ? null
        : $"logical type {schema.Name} is rejected (ConnectException)";
}

/// <summary>A column's Kafka Connect schema as Debezium's Postgres connector emits it.</summary>
public sealed record DebeziumColumnSchema(string Type, string? Name)
{
    /// <summary>
    /// From the PostgreSQL column type, for the timestamp-like and integer types the outbox could use, with the
    /// connector's default <c>time.precision.mode=adaptive</c> (PostgresValueConverter and JdbcValueConverters
    /// at v3.0.0.Final: timestamptz → ZonedTimestamp string; timestamp(p) → Timestamp for p ≤ 3, MicroTimestamp
    /// for p ≤ 6 — PostgreSQL's default precision is 6; bigint → a plain INT64).
    /// </summary>
    public static DebeziumColumnSchema For(string postgresType, string timePrecisionMode = "adaptive")
    {
        var type = postgresType.Trim().ToLowerInvariant();
        var precision = type.Contains('(') ? int.Parse(type[(type.IndexOf('(') + 1)..type.IndexOf(')')]) : 6;
        var withoutPrecision = type.Contains('(') ? type[..type.IndexOf('(')].Trim() + type[(type.IndexOf(')') + 1)..] : type;
        return withoutPrecision switch
        {
            "timestamp with time zone" or "timestamptz" => new("STRING", "io.debezium.time.ZonedTimestamp"),
            "timestamp without time zone" or "timestamp" => timePrecisionMode is "adaptive" or "adaptive_time_microseconds"
                ? precision <= 3 ? new("INT64", "io.debezium.time.Timestamp") : new("INT64", "io.debezium.time.MicroTimestamp")
                : new("INT64", "org.apache.kafka.connect.data.Timestamp"),
            "bigint" or "int8" => new("INT64", null),
            "integer" or "int4" => new("INT32", null),
            "text" or "character varying" => new("STRING", null),
            _ => throw new NotSupportedException($"no Debezium schema mapping written for PostgreSQL type '{postgresType}'"),
        };
    }
}
