using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotel.Eventing;
using Hotel.Eventing.Consuming;

namespace Hotel.Contract.Tests;

/// <summary>
/// Under docker-compose the consumers read Debezium's normalised payloads (nulls and empty arrays missing,
/// decimals as doubles, or the payload as a JSON string); every event a service consumes must decode from
/// them to what it decodes from the relay's bytes.
/// </summary>
public sealed class PayloadNormalisationTests
{
    public static TheoryData<string> Services() => new(SubscriptionContractTests.ServiceNames);

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_consumed_event_decodes_the_same_from_the_relays_payload_and_from_debeziums_normalised_one(string service)
    {
        var registrations = SubscriptionContractTests.ConsumerOptions(service).SelectMany(o => o.Registrations.Values).ToList();
        Assert.NotEmpty(registrations);
        foreach (var registration in registrations)
            foreach (var sample in Samples(registration.EventType))
            {
                var relayed = JsonSerializer.Serialize(sample, registration.EventType, EventJson.Options);
                var fromRelay = EventPayload.Deserialize(relayed, registration.EventType);
                foreach (var normalised in new[] { DebeziumJsonExpansion.Expand(relayed), JsonSerializer.Serialize(relayed) })
                {
                    var fromDebezium = EventPayload.Deserialize(normalised, registration.EventType);
                    // Compared by value: a decimal read from Debezium's double keeps no trailing zeros (119.00 → 119.0m), equal but not the same scale.
                    Assert.True(
                        JsonNode.DeepEquals(JsonNode.Parse(JsonSerializer.Serialize(fromRelay, registration.EventType, EventJson.Options)),
                            JsonNode.Parse(JsonSerializer.Serialize(fromDebezium, registration.EventType, EventJson.Options))),
                        $"{service}: {registration.Name} decodes differently from {relayed} and from {normalised}");
                }
            }
    }

    /// <summary>Two instances of the event: every member set (decimals with trailing zeros and ≥ 10^7), and every nullable one null, every collection empty.</summary>
    private static IEnumerable<object> Samples(Type type) => [Build(type, full: true, depth: 0)!, Build(type, full: false, depth: 0)!];

    private static object? Build(Type type, bool full, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return full ? Build(underlying, full, depth) : null;
        if (type == typeof(string)) return "text";
        if (type == typeof(Guid)) return Guid.Parse("0199a4c2-5b1e-7c3d-9a8f-1e2d3c4b5a69");
        if (type == typeof(int)) return 3;
        if (type == typeof(long)) return 5_000_000_000L;
        if (type == typeof(decimal)) return full ? 12_345_678.50m : 119.00m;
        if (type == typeof(double)) return 0.5;
        if (type == typeof(bool)) return true;
        if (type == typeof(DateOnly)) return new DateOnly(2030, 1, 2);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        if (type == typeof(DateTime)) return new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        if (type == typeof(TimeSpan)) return TimeSpan.FromMinutes(90);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0);
        if (type.IsArray || (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Single();
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            if (full) list.Add(Build(element, full, depth + 1));
            if (type.IsArray) { var array = Array.CreateInstance(element, list.Count); list.CopyTo(array, 0); return array; }
            return list;
        }
        Assert.True(depth < 5, $"{type.Name}: nested too deep for a sample");
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var instance = constructor.Invoke(constructor.GetParameters().Select(p => BuildMember(p.ParameterType, IsNullable(p), full, depth)).ToArray());
        return instance;
    }

    private static object? BuildMember(Type type, bool nullable, bool full, int depth) =>
        nullable && !full ? null : Build(type, full, depth + 1);

    private static bool IsNullable(ParameterInfo parameter) =>
        Nullable.GetUnderlyingType(parameter.ParameterType) is not null
        || new NullabilityInfoContext().Create(parameter).WriteState == NullabilityState.Nullable;
}
