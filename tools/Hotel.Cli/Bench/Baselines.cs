using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Cli.Run;
using Hotel.Eventing;
using Hotel.LocalInfra;
using Npgsql;

namespace Hotel.Cli.Bench;

/// <summary>What the same PostgreSQL and Kafka do raw, and the relay on a backlog: the yardsticks for the pipeline's figures.</summary>
public static class Baselines
{
    /// <summary>The scratch database of the insert baseline (not part of the suite).</summary>
    public const string Database = "bench";

    public static async Task<double> PostgresInsertRateAsync(EmbeddedPostgres postgres, int seconds)
    {
        await postgres.EnsureDatabaseAsync(Database);
        var cs = postgres.ConnectionString(Database);
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("DROP TABLE IF EXISTS bench_rows; CREATE TABLE bench_rows (id uuid PRIMARY KEY, payload jsonb NOT NULL, at timestamptz NOT NULL)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var payload = JsonSerializer.Serialize(new { reference = "HTL-BENCH1", guest = new { name = "Bench Guest", email = "bench@example.com" }, totalAmount = 240.0m });
        long rows = 0;
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("INSERT INTO bench_rows VALUES ($1, $2::jsonb, now())", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.Empty });
            cmd.Parameters.Add(new NpgsqlParameter { Value = payload });
            await cmd.PrepareAsync();
            while (until.Elapsed.TotalSeconds < seconds)
            {
                cmd.Parameters[0].Value = Guid.CreateVersion7();
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Increment(ref rows);
            }
        }));
        return rows / until.Elapsed.TotalSeconds;
    }

    public static double KafkaRate(LocalStack stack, int count)
    {
        var topic = "bench.raw";
        stack.EmbeddedKafka?.CreateTopic(topic, ServiceCatalog.Partitions);
        var value = new string('x', 600);
        using var consumer = KafkaReaders.Open(stack.BootstrapServers, topic);
        var sw = Stopwatch.StartNew();
        using (var producer = new ProducerBuilder<string, string>(new Eventing.Kafka.KafkaOptions { BootstrapServers = stack.BootstrapServers }.ProducerConfig("bench"))
            .SetLogHandler((_, _) => { }).Build())
        {
            for (var i = 0; i < count; i++)
            {
                while (true)
                {
                    try { producer.Produce(topic, new Message<string, string> { Key = "k" + (i % 97), Value = value }); break; }
                    catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(5)); }
                }
            }
            producer.Flush(TimeSpan.FromMinutes(1));
        }
        var read = 0;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (read < count && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { Message: not null }) read++;
        if (read < count) throw new CliException($"the Kafka baseline read {read} of {count} messages within 2 minutes.");
        return count / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The relay stopped while a backlog of outbox rows is written, then started: events/s until all reached Kafka.</summary>
    public static async Task<double> RelayBacklogAsync(LocalStack stack, string bookingCs, int count)
    {
        const string aggregateType = SuiteEffects.BacklogAggregateType;
        stack.EmbeddedKafka?.CreateTopic(Topics.ForAggregate(aggregateType), ServiceCatalog.Partitions);
        var arrivals = new ConcurrentDictionary<Guid, DateTime>();
        using var listening = new CancellationTokenSource();
        using var reader = KafkaReaders.Open(stack.BootstrapServers, Topics.ForAggregate(aggregateType));
        var listener = Task.Run(() => KafkaReaders.Listen(reader, arrivals, listening.Token));
        await using var conn = new NpgsqlConnection(bookingCs);
        await conn.OpenAsync();

        // One event through the running relay first, so the topic is not empty and the backlog is read from the WAL, not republished.
        await InsertOutboxRowsAsync(conn, aggregateType, 1);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (arrivals.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(20);
        if (arrivals.IsEmpty) throw new CliException("the warm-up event never reached Kafka.");

        await stack.StopRelayAsync();
        for (var done = 0; done < count; done += 100) // transactions of 100 rows, as a burst of writes would commit
            await InsertOutboxRowsAsync(conn, aggregateType, Math.Min(100, count - done));
        await stack.StartRelayAsync(CancellationToken.None); // a child process: timed from its ready line on, not its start-up
        var sw = Stopwatch.StartNew();
        deadline = DateTime.UtcNow.AddMinutes(3);
        count++; // with the warm-up event
        while (arrivals.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        var elapsed = sw.Elapsed.TotalSeconds;
        await listening.CancelAsync();
        await listener;
        if (arrivals.Count < count) throw new CliException($"the relay delivered {arrivals.Count} of {count} backlog events within 3 minutes.");
        return count / elapsed;
    }

    private static async Task InsertOutboxRowsAsync(NpgsqlConnection conn, string aggregateType, int rows)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, timestamp) " +
            "SELECT gen_random_uuid(), $1, 'agg-' || (g % 500), 'BenchEvent', $2::jsonb, clock_timestamp() FROM generate_series(1, $3) g", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = aggregateType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = BacklogPayload });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows });
        await cmd.ExecuteNonQueryAsync();
    }

    private static readonly string BacklogPayload = JsonSerializer.Serialize(
        new { reference = "HTL-BENCH1", guest = new { name = "Bench Guest", email = "bench@example.com" }, totalAmount = 240.0m, version = 1 });
}
