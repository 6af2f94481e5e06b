using System.Text.Json;

namespace Hotel.Contract.Tests;

/// <summary>The model of Debezium 3.0's payload expansion gives what its JsonSchemaData and Kafka's JsonConverter write.</summary>
public sealed class DebeziumJsonExpansionTests
{
    [Theory]
    [InlineData("""{"bookingId":"b-1","reason":null,"version":1}""", """{"bookingId":"b-1","version":1}""")]
    [InlineData("""{"nights":[],"version":1}""", """{"version":1}""")]
    [InlineData("""{"amount":119.00,"big":10000000.0,"small":0.0005,"count":3,"long":5000000000,"flag":true}""",
        """{"amount":119.0,"big":1.0E7,"small":5.0E-4,"count":3,"long":5000000000,"flag":true}""")]
    [InlineData("""{"items":[{"a":1},{"b":"x"}]}""", """{"items":[{"a":1,"b":null},{"a":null,"b":"x"}]}""")]
    [InlineData("""{"items":[{"a":null},{"a":2}],"ids":[1,null,2]}""", """{"items":[{"a":null},{"a":2}],"ids":[1,null,2]}""")]
    public void Nulls_and_empty_arrays_are_dropped_and_non_integers_written_as_java_doubles(string payload, string expected) =>
        Assert.Equal(expected, DebeziumJsonExpansion.Expand(payload));

    [Fact]
    public void With_optional_bytes_null_members_are_kept() =>
        Assert.Equal("""{"bookingId":"b-1","reason":null}""", DebeziumJsonExpansion.Expand("""{"bookingId":"b-1","reason":null}""", keepNulls: true));

    [Theory]
    [InlineData("""{"tags":["a",1],"version":1}""")]
    [InlineData("""{"ids":[1,5000000000]}""")]
    [InlineData("""{"gaps":[null,null]}""")]
    public void A_payload_whose_schema_cannot_be_inferred_is_emitted_as_a_json_string(string payload) =>
        Assert.Equal(JsonSerializer.Serialize(payload), DebeziumJsonExpansion.Expand(payload));

    [Theory]
    [InlineData("""{"n":123456789012345678901234567890}""")]
    [InlineData("""{"items":[{"a":1},{"a":"x"}]}""")]
    public void A_payload_whose_struct_cannot_be_built_fails_the_connectors_task(string payload) =>
        Assert.Throws<DebeziumTaskFailure>(() => DebeziumJsonExpansion.Expand(payload));
}
