using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hotel.Contract.Tests;

/// <summary>
/// The value Debezium 3.0's Outbox Event Router writes for a payload with <c>table.expand.json.payload=true</c>,
/// transcribed from <c>JsonSchemaData</c> and <c>EventRouterDelegate</c> (debezium/debezium v3.0.0.Final,
/// debezium-core/…/transforms/outbox) and Kafka's <c>JsonConverter</c>: Jackson parses the jsonb text; a schema
/// is inferred (a null member has none unless <c>table.json.payload.null.behavior=optional_bytes</c>, an empty
/// array has none: both are dropped; an integer is INT32 or INT64, any other number FLOAT64); the payload is
/// rebuilt as a Struct and written back (a FLOAT64 as Java's <c>Double.toString</c>: <c>119.0</c>, <c>1.0E7</c>).
/// When schema inference throws (a heterogeneous array, int and long mixed in one array, an array of nulls)
/// the router logs "JSON expansion failed" and the value is the payload text as a JSON string. When rebuilding
/// the Struct throws (a number beyond 64 bits; objects in one array whose shared member differs in type; a
/// top-level array) the inferred schema has already replaced the payload's, so putting the unexpanded string into
/// it throws outside that catch: the connector's task fails (<see cref="DebeziumTaskFailure"/>).
/// Not modelled: Debezium merges the schemas of an array's objects in HashSet order; here in array order.
/// </summary>
public static class DebeziumJsonExpansion
{
    private abstract record Schema;
    private sealed record Primitive(string Type) : Schema;
    private sealed record ArrayOf(Schema Element) : Schema;
    private sealed record StructOf(IReadOnlyList<(string Name, Schema Schema)> Fields) : Schema;

    private sealed class ExpansionFailed(string message) : Exception(message);

    /// <summary>The value as JSON text (compare with <see cref="JsonNode.DeepEquals"/>).</summary>
    /// <exception cref="DebeziumTaskFailure">Debezium's task would fail on this payload.</exception>
    public static string Expand(string payload, bool keepNulls = false)
    {
        JsonNode? document;
        Schema? schema;
        try
        {
            if (!(payload.StartsWith('{') || payload.StartsWith('['))) throw new ExpansionFailed("Unable to parse payload");
            document = JsonNode.Parse(payload);
            schema = SchemaOf(document, keepNulls);
        }
        catch (ExpansionFailed)
        {
            return JsonSerializer.Serialize(payload);
        }
        if (schema is not StructOf root) throw new DebeziumTaskFailure($"the payload is not a JSON object: {payload}");
        return ToConnectData(document, root)!.ToJsonString();
    }

    private static Schema? SchemaOf(JsonNode? node, bool keepNulls) => node switch
    {
        null => keepNulls ? new Primitive("BYTES") : null,
        JsonObject o => new StructOf(o.Select(m => (m.Key, Schema: SchemaOf(m.Value, keepNulls))).Where(f => f.Schema is not null)
            .Select(f => (f.Key, f.Schema!)).ToList()),
        JsonArray a => a.Count == 0 ? null : new ArrayOf(ElementSchema(a, keepNulls)),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => new Primitive("STRING"),
            JsonValueKind.True or JsonValueKind.False => new Primitive("BOOLEAN"),
            JsonValueKind.Number => new Primitive(NumberType(v)),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Jackson's node for a number: IntNode, LongNode, BigIntegerNode (FLOAT64 schema, no value fits it) or DoubleNode.</summary>
    private static string NumberType(JsonValue v)
    {
        var text = v.ToJsonString();
        if (text.IndexOfAny(['.', 'e', 'E']) < 0)
            return int.TryParse(text, out _) ? "INT32" : long.TryParse(text, out _) ? "INT64" : "BIGINT";
        return "FLOAT64";
    }

    private static Schema ElementSchema(JsonArray array, bool keepNulls)
    {
        var elements = array.Where(e => e is not null).ToList();
        if (elements.Count == 0)
            return SchemaOf(null, keepNulls) ?? throw new ExpansionFailed("Array has unrecognized member schema.");
        var first = elements[0]!;
        if (elements.Any(e => e!.GetValueKind() != first.GetValueKind() && !(IsBoolean(e) && IsBoolean(first))))
            throw new ExpansionFailed("Field is not a homogenous array.");
        if (first.GetValueKind() == JsonValueKind.Number && elements.Select(e => NumberType(e!.AsValue())).Distinct().Count() > 1)
            throw new ExpansionFailed("Field is not a homogenous array, different number types.");
        if (first is JsonObject)
            return elements.Select(e => (StructOf)SchemaOf(e, keepNulls)!).Aggregate(Merge);
        return SchemaOf(first, keepNulls) ?? throw new ExpansionFailed("Array has unrecognized member schema.");
    }

    private static bool IsBoolean(JsonNode? node) => node?.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    /// <summary>JsonSchemaData.mergeSchema: the left's fields, then the right's new ones; a BYTES (null) field gives way to a typed one.</summary>
    private static StructOf Merge(StructOf left, StructOf right)
    {
        var fields = left.Fields.ToList();
        foreach (var (name, schema) in right.Fields)
        {
            var index = fields.FindIndex(f => f.Name == name);
            if (index < 0) fields.Add((name, schema));
            else if (fields[index].Schema != schema && fields[index].Schema is Primitive("BYTES") && schema is not Primitive("BYTES"))
                fields[index] = (name, schema);
        }
        return new StructOf(fields);
    }

    /// <summary>JsonSchemaData.toConnectData, then JsonConverter: every field of a struct is written (absent ones as null).</summary>
    private static JsonNode? ToConnectData(JsonNode? node, Schema schema)
    {
        if (node is null) return null;
        switch (schema)
        {
            case StructOf s when node is JsonObject o:
                var result = new JsonObject();
                foreach (var (name, fieldSchema) in s.Fields)
                    result[name] = o.TryGetPropertyValue(name, out var member) ? ToConnectData(member, fieldSchema) : null;
                return result;
            case ArrayOf a when node is JsonArray array:
                return new JsonArray(array.Select(e => ToConnectData(e, a.Element)).ToArray());
            case Primitive p when node is JsonValue v:
                return (p.Type, v.GetValueKind()) switch
                {
                    ("STRING", JsonValueKind.String) or ("BOOLEAN", JsonValueKind.True or JsonValueKind.False) => v.DeepClone(),
                    ("INT32" or "INT64", JsonValueKind.Number) when NumberType(v) == p.Type => v.DeepClone(),
                    ("FLOAT64", JsonValueKind.Number) when NumberType(v) == "FLOAT64" => JsonNode.Parse(JavaDouble(v.GetValue<double>())),
                    _ => throw new DebeziumTaskFailure($"DataException: {v.ToJsonString()} in a {p.Type} field"),
                };
            default:
                throw new DebeziumTaskFailure($"DataException: a {node.GetValueKind()} where the schema is {schema}");
        }
    }

    /// <summary>Java's Double.toString: plain with at least one decimal in [10^-3, 10^7), else d.dddE±n.</summary>
    public static string JavaDouble(double d)
    {
        if (d == 0) return "0.0";
        var sign = d < 0 ? "-" : "";
        var abs = Math.Abs(d);
        var r = abs.ToString("E16", CultureInfo.InvariantCulture); // normalised mantissa and exponent
        var shortest = abs.ToString("R", CultureInfo.InvariantCulture);
        var exponent = int.Parse(r[(r.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        var digits = new string(shortest.Split('E')[0].Where(char.IsDigit).ToArray()).TrimStart('0').TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        if (abs >= 1e-3 && abs < 1e7)
        {
            var pointAt = exponent + 1; // digits before the decimal point
            var text = pointAt <= 0 ? "0." + new string('0', -pointAt) + digits
                : digits.Length <= pointAt ? digits + new string('0', pointAt - digits.Length) + ".0"
                : digits[..pointAt] + "." + digits[pointAt..];
            return sign + text;
        }
        return sign + digits[0] + "." + (digits.Length > 1 ? digits[1..] : "0") + "E" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>What Debezium's router would throw outside its expansion catch: the connector's task goes FAILED.</summary>
public sealed class DebeziumTaskFailure(string message) : Exception(message);
