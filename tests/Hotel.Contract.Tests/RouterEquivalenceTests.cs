using System.Text.Json.Nodes;
using Hotel.Cdc;
using Hotel.Eventing;
using Hotel.Eventing.Kafka;
using Hotel.Eventing.Outbox;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hotel.Contract.Tests;

public sealed class OutboxOnlyDbContext(DbContextOptions<OutboxOnlyDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutbox();
}

/// <summary>
/// The same outbox rows, through the built-in relay and through what each Debezium connector's
/// Outbox Event Router does with them: same topics and keys; the relay's value is the payload itself,
/// Debezium's its normalised expansion (or the payload as a string); the same headers, except that
/// Debezium writes a null column as a null-valued header where the relay writes none.
/// </summary>
public sealed class RouterEquivalenceTests(InfraFixture infra) : IClassFixture<InfraFixture>
{
    [Fact]
    public async Task The_relay_emits_the_payload_whose_debezium_normalisation_every_connector_emits_for_the_same_rows()
    {
        var cs = await infra.NewDatabaseAsync("contract");
        await using (var db = new OutboxOnlyDbContext(new DbContextOptionsBuilder<OutboxOnlyDbContext>().UseNpgsql(cs).Options))
        {
            await db.Database.EnsureCreatedAsync();
            var suffix = Guid.NewGuid().ToString("N")[..6];
            db.AddRange(
                Row($"contract{suffix}", "b-1", "BookingPlaced", """{"bookingId":"b-1","guest":{"name":"Zoë <script>"},"nights":2,"version":1}""", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                Row($"contract{suffix}", "b-1", "BookingCancelled", """{"bookingId":"b-1","reason":null,"version":1}""", null),
                Row($"other{suffix}", "p-9", "PaymentCaptured", """{"amount":238.00,"tags":["a","b"],"refunds":[],"version":2}""", null),
                Row($"other{suffix}", "p-9", "PaymentCaptured", """{"amount":10000000.5,"tags":["a",1],"version":2}""", null)); // heterogeneous: Debezium emits a string
            await db.SaveChangesAsync();
        }
        var rows = await ReadOutboxAsync(cs);

        using var relay = new OutboxRelayService([cs], new KafkaOptions { BootstrapServers = infra.BootstrapServers }, new OutboxRelayOptions(), NullLoggerFactory.Instance);
        await relay.StartAsync(CancellationToken.None);
        try
        {
            foreach (var connector in DebeziumConnector.All())
            {
                foreach (var row in rows)
                {
                    var promised = connector.Render(row);
                    var produced = TopicReader.ReadUntil(infra.BootstrapServers, promised.Topic, m => m.Any(x => x.Header("id") == row.Id.ToString()), TimeSpan.FromSeconds(60))
                        .Single(m => m.Header("id") == row.Id.ToString());

                    Assert.Equal(promised.Key, produced.Key);
                    Assert.True(JsonNode.DeepEquals(JsonNode.Parse(row.Payload), JsonNode.Parse(produced.Value!)), $"relay: {row.Payload} vs {produced.Value}");
                    var normalised = DebeziumJsonExpansion.Expand(produced.Value!, connector.KeepsJsonNulls);
                    Assert.True(JsonNode.DeepEquals(JsonNode.Parse(promised.Value), JsonNode.Parse(normalised)), $"{connector.Name}: {promised.Value} vs {normalised}");
                    Assert.Equal(promised.Headers.Where(h => h.Value is not null), produced.Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
                }
            }
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
    }

    private static OutboxMessage Row(string aggregateType, string aggregateId, string type, string payload, string? traceparent) => new()
    {
        Id = Guid.NewGuid(),
        AggregateType = aggregateType,
        AggregateId = aggregateId,
        Type = type,
        Payload = payload,
        Timestamp = DateTimeOffset.UtcNow,
        TracingSpanContext = traceparent,
    };

    private static async Task<List<OutboxRecord>> ReadOutboxAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, aggregatetype, aggregateid, type, payload::text, timestamp, tracingspancontext FROM outbox ORDER BY timestamp", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<OutboxRecord>();
        while (await reader.ReadAsync())
            rows.Add(new OutboxRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        return rows;
    }
}
