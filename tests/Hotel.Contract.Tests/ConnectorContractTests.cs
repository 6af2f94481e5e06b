using Hotel.Eventing;

namespace Hotel.Contract.Tests;

/// <summary>The Debezium connector configurations agree with the outbox the services' EF models map, and with the relay's conventions.</summary>
public sealed class ConnectorContractTests
{
    public static TheoryData<string> Connectors() => new(DebeziumConnector.All().Select(c => c.Name));

    [Fact]
    public void There_is_one_connector_per_database_with_an_outbox_model() =>
        Assert.Equal(OutboxModels.ByDatabase.Keys.Order(), DebeziumConnector.All().Select(c => c.Database).Order());

    [Theory]
    [MemberData(nameof(Connectors))]
    public void Captures_the_outbox_table_and_only_columns_the_model_has(string name)
    {
        var connector = Load(name);
        var model = OutboxModels.Of(connector.Database);

        Assert.Equal("public." + model.Table, connector.Setting("table.include.list"));
        foreach (var column in connector.ReferencedColumns)
            Assert.Contains(column, model.Columns);
        // The columns the relay reads by name are the ones the router is configured with.
        Assert.Equal(model.ColumnsByProperty["Id"], connector.IdColumn);
        Assert.Equal(model.ColumnsByProperty["AggregateId"], connector.KeyColumn);
        Assert.Equal(model.ColumnsByProperty["Payload"], connector.PayloadColumn);
        Assert.Equal(model.ColumnsByProperty["AggregateType"], connector.RouteByColumn);
        Assert.Contains((model.ColumnsByProperty["Type"], EventHeaders.EventType), connector.HeaderPlacements);
        Assert.Contains((model.ColumnsByProperty["TracingSpanContext"], EventHeaders.TraceParent), connector.HeaderPlacements);
        Assert.Equal(EventingModel.OutboxTable, model.Table);
    }

    [Theory]
    [MemberData(nameof(Connectors))]
    public void Emits_what_the_consumers_decode(string name)
    {
        var connector = Load(name);
        Assert.Equal("io.debezium.connector.postgresql.PostgresConnector", connector.Setting("connector.class"));
        Assert.Equal("pgoutput", connector.Setting("plugin.name"));
        Assert.Equal("io.debezium.transforms.outbox.EventRouter", connector.Setting("transforms.outbox.type"));
        Assert.True(connector.ExpandsJsonPayload, "the value must be the payload JSON itself, not a string holding it");
        Assert.Equal("false", connector.Setting("tombstones.on.delete"));
        Assert.True(int.Parse(connector.Setting("heartbeat.interval.ms")) > 0, "heartbeats keep an idle slot from pinning WAL");
        Assert.Equal("org.apache.kafka.connect.storage.StringConverter", connector.Setting("key.converter"));
        Assert.Equal("org.apache.kafka.connect.json.JsonConverter", connector.Setting("value.converter"));
        Assert.Equal("false", connector.Setting("value.converter.schemas.enable"));
        foreach (var aggregateType in new[] { "booking", "payment", "email", "some-aggregate" })
            Assert.Equal(Topics.ForAggregate(aggregateType), connector.TopicFor(aggregateType));
    }

    [Theory]
    [MemberData(nameof(Connectors))]
    public void Sets_an_event_timestamp_field_only_when_debeziums_router_can_read_it_as_epoch_milliseconds(string name)
    {
        var connector = Load(name);
        if (connector.TimestampColumn is not { } column) return; // Debezium's default: the time it processed the change
        var model = OutboxModels.Of(connector.Database);
        var schema = DebeziumColumnSchema.For(model.ColumnTypes[column], connector.Config.GetValueOrDefault("time.precision.mode", "adaptive"));
        Assert.True(DebeziumEventTimestamp.WhyTheRouterFails(schema) is null,
            $"{name}: table.field.event.timestamp={column} is a '{model.ColumnTypes[column]}' column, emitted as {schema}: {DebeziumEventTimestamp.WhyTheRouterFails(schema)}; the task fails on the first outbox row");
    }

    [Theory]
    [InlineData("timestamp with time zone", false)]
    [InlineData("bigint", false)]
    [InlineData("integer", false)]
    [InlineData("timestamp without time zone", true)]
    [InlineData("timestamp(3) without time zone", true)]
    public void Debeziums_router_reads_only_logical_timestamp_columns_as_the_record_timestamp(string postgresType, bool readable) =>
        Assert.Equal(readable, DebeziumEventTimestamp.WhyTheRouterFails(DebeziumColumnSchema.For(postgresType)) is null);

    private static DebeziumConnector Load(string name) => DebeziumConnector.All().Single(c => c.Name == name);
}
