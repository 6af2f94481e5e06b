using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Confluent.Kafka;
using Hotel.Eventing;
using Hotel.Eventing.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Hotel.Cdc;

/// <summary>
/// Relays one database's outbox table to Kafka, from the WAL: logical replication with pgoutput
/// (binary), one slot per database. A transaction's end LSN is acknowledged to PostgreSQL only
/// after Kafka acked every message of it, in commit order, so a restart (clean or after a kill)
/// resumes exactly where the acknowledged stream ended: nothing lost, nothing skipped; what was
/// produced but not yet acknowledged is produced again, and consumers deduplicate by event id.
/// </summary>
public sealed class OutboxRelay(string connectionString, IProducer<string, string> producer, string bootstrapServers,
    OutboxRelayOptions options, ILogger logger)
{
    internal static readonly Meter Meter = new("Hotel");
    private static readonly Counter<long> RelayedEvents = Meter.CreateCounter<long>("hotel.relay.events", description: "Outbox events produced to Kafka by the relay");
    private static readonly Histogram<double> CommitToAck = Meter.CreateHistogram<double>("hotel.relay.commit_to_kafka_ack", "ms", "From the PostgreSQL commit to Kafka's ack of the transaction's last message");
    private static readonly Dictionary<string, long> LagBytes = [];
    private static readonly ObservableGauge<long> LagGauge = Meter.CreateObservableGauge("hotel.relay.lag", ObserveLag, "By", "WAL bytes between the server's current LSN and the slot's confirmed LSN");

    private readonly string _database = new NpgsqlConnectionStringBuilder(connectionString).Database
        ?? throw new ArgumentException("The relay's connection string names no database.", nameof(connectionString));

    private long _relayedSinceReport;
    private double _lastCommitToAckMs;

    public string SlotName => options.SlotPrefix + _database.ToLowerInvariant().Replace('-', '_');

    /// <summary>Prefix of the heartbeat messages the relay emits into its own database's WAL.</summary>
    public const string HeartbeatPrefix = "hotel_relay_heartbeat";

    /// <summary>Ensures publication and slot, republishes the archive where the broker lacks it, then streams until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var marker = new RepublishMarker(connectionString, SlotName);
        await EnsurePublicationAndSlotAsync(marker, ct);
        // Pending while a new slot's republish has not been acked in full, even by a relay killed since.
        var everything = await marker.IsPendingAsync(ct);
        await RepublishArchiveAsync(everything, ct);
        if (everything) await marker.ClearAsync(ct);

        using var lagCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lagLoop = ReportLagAndPruneAsync(lagCts.Token);
        try
        {
            await StreamAsync(ct);
        }
        finally
        {
            await lagCts.CancelAsync();
            await lagLoop;
        }
    }

    /// <summary>
    /// Publication, marker table and slot. A new slot gets a durable republish marker committed
    /// before it is created (see <see cref="RepublishMarker"/>); a slot that lost its WAL past
    /// <c>max_slot_wal_keep_size</c> can never stream again, so it is dropped and made anew the same way.
    /// </summary>
    private async Task EnsurePublicationAndSlotAsync(RepublishMarker marker, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        if (await ScalarAsync(conn, "SELECT 1 FROM pg_publication WHERE pubname = $1", ct, options.PublicationName) is null)
        {
            try
            {
                await ExecuteAsync(conn, $"CREATE PUBLICATION {Quote(options.PublicationName)} FOR TABLE {EventingModel.OutboxTable} WITH (publish = 'insert')", ct);
                logger.LogInformation("Created publication {Publication} in {Database}", options.PublicationName, _database);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject) { }
        }
        await marker.EnsureTableAsync(ct); // after the publication: it needs the outbox table the service creates first

        var walStatus = await ScalarAsync(conn, "SELECT coalesce(wal_status, '') FROM pg_replication_slots WHERE slot_name = $1", ct, SlotName);
        if (walStatus is "lost")
        {
            logger.LogError("Replication slot {Slot} of {Database} lost its WAL (it retained more than max_slot_wal_keep_size): dropping it; "
                + "a new slot republishes the whole outbox archive", SlotName, _database);
            await ScalarAsync(conn, "SELECT pg_drop_replication_slot($1)", ct, SlotName);
            walStatus = null;
        }
        if (walStatus is null)
        {
            await marker.SetAsync(ct);
            try
            {
                await ScalarAsync(conn, "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", ct, SlotName);
                logger.LogInformation("Created replication slot {Slot} for {Database}", SlotName, _database);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject) { }
        }
    }

    /// <summary>
    /// Produces archived outbox rows again before streaming, as a Debezium snapshot would: all of
    /// them when the slot is new (rows committed before it existed are not in its stream), else
    /// those whose topic has never held a message (the embedded broker keeps messages in memory
    /// only). Consumers deduplicate what they have seen before.
    /// </summary>
    private async Task RepublishArchiveAsync(bool everything, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        var aggregateTypes = new List<string>();
        await using (var cmd = new NpgsqlCommand($"SELECT DISTINCT aggregatetype FROM {EventingModel.OutboxTable}", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) aggregateTypes.Add(reader.GetString(0));
        if (aggregateTypes.Count == 0) return;

        var republish = everything ? aggregateTypes : aggregateTypes.Where(t => TopicHasNeverHeldMessages(Topics.ForAggregate(t))).ToList();
        foreach (var aggregateType in republish)
        {
            var sw = Stopwatch.StartNew();
            long count = 0;
            var pending = new List<Task>();
            await using var cmd = new NpgsqlCommand(
                $"SELECT id, aggregatetype, aggregateid, type, payload::text, timestamp, tracingspancontext FROM {EventingModel.OutboxTable} WHERE aggregatetype = $1 ORDER BY timestamp, id", conn)
            { Parameters = { new() { Value = aggregateType } } };
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var record = new OutboxRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));
                pending.Add(producer.ProduceAsync(record.Topic, record.ToMessage(), ct));
                count++;
                if (pending.Count >= 10_000) { await Task.WhenAll(pending); pending.Clear(); }
            }
            await Task.WhenAll(pending);
            logger.LogWarning("{Reason}: republished {Count} archived outbox events from {Database} to {Topic} in {Elapsed} ms",
                everything ? "New replication slot (republish pending)" : "Topic held no messages", count, _database, Topics.ForAggregate(aggregateType), sw.ElapsedMilliseconds);
        }
    }

    private bool TopicHasNeverHeldMessages(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            .SetLogHandler((_, m) => KafkaLogging.Forward(logger, m)).Build();
        // Metadata for all topics: asking for one topic by name would auto-create it on the mock broker.
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var topicMetadata = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        if (topicMetadata is null || topicMetadata.Partitions.Count == 0) return true;
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "hotel-relay-probe" })
            .SetLogHandler((_, m) => KafkaLogging.Forward(logger, m)).Build();
        return topicMetadata.Partitions.All(p =>
            consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High == 0);
    }

    /// <remarks>
    /// Stopping keeps the replication stream open until every transaction already handed to Kafka is
    /// acknowledged and the final status update is sent (the server accepts one only during
    /// replication); only then is the stream ended. A transaction read but not yet produced is not
    /// confirmed, so a restart reads it again.
    /// </remarks>
    private async Task StreamAsync(CancellationToken ct)
    {
        await using var replication = new LogicalReplicationConnection(connectionString);
        await replication.Open(ct);
        var acks = Channel.CreateBounded<PendingTransaction>(new BoundedChannelOptions(10_000) { SingleReader = true, SingleWriter = true });
        using var streamCts = new CancellationTokenSource();
        var acker = AcknowledgeInOrderAsync(replication, acks.Reader);
        logger.LogInformation("Relaying outbox of {Database} from slot {Slot}", _database, SlotName);
        var reading = ReadAndProduceAsync(replication, acks.Writer, streamCts.Token);

        // Until a stop, a failed read, or a delivery Kafka refused (the acker fails before confirming that LSN).
        await Task.WhenAny(reading, acker, Task.Delay(Timeout.Infinite, ct)).ContinueWith(_ => { }, TaskScheduler.Default);
        acks.Writer.TryComplete();
        try
        {
            await acker; // drains, and sends the final status update while the stream is open; throws on a refused delivery
        }
        finally
        {
            await streamCts.CancelAsync();
            try { await reading; }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException && streamCts.IsCancellationRequested) { }
        }
    }

    private async Task ReadAndProduceAsync(LogicalReplicationConnection replication, ChannelWriter<PendingTransaction> acks, CancellationToken ct)
    {
        var columns = Array.Empty<string>();
        var batch = new List<OutboxRecord>();
        var slot = new PgOutputReplicationSlot(SlotName);
        await foreach (var message in replication.StartReplication(slot, new PgOutputReplicationOptions(options.PublicationName, PgOutputProtocolVersion.V1, binary: true, messages: true), ct))
        {
            switch (message)
            {
                case BeginMessage:
                    batch.Clear();
                    break;
                case RelationMessage relation:
                    columns = relation.Columns.Select(c => c.ColumnName).ToArray();
                    break;
                case InsertMessage insert:
                    batch.Add(await ReadRecordAsync(insert, columns, ct));
                    break;
                case CommitMessage commit:
                    var deliveries = batch.Select(Produce).ToArray();
                    await acks.WriteAsync(new PendingTransaction(commit.TransactionEndLsn, commit.TransactionCommitTimestamp, deliveries), ct);
                    batch.Clear();
                    break;
                case LogicalDecodingMessage { Flags: 0, Prefix: HeartbeatPrefix } heartbeat:
                    // Non-transactional, so not inside a transaction: confirmed in order, after every commit read before it.
                    await acks.WriteAsync(new PendingTransaction(heartbeat.MessageLsn, heartbeat.ServerClock, []), ct);
                    break;
            }
        }
    }

    /// <summary>Produces a captured row, inside the relay's span for it (ended at Kafka's ack) when it is traced.</summary>
    private Task Produce(OutboxRecord record)
    {
        var publish = record.StartPublishActivity();
        var delivery = producer.ProduceAsync(record.Topic, record.ToMessage(publish), CancellationToken.None);
        if (publish is null) return delivery;
        return delivery.ContinueWith(t =>
        {
            if (t.IsFaulted) publish.SetStatus(ActivityStatusCode.Error, t.Exception?.InnerException?.Message);
            publish.Dispose();
            return t;
        }, TaskScheduler.Default).Unwrap();
    }

    private sealed record PendingTransaction(NpgsqlLogSequenceNumber EndLsn, DateTime CommittedAt, Task[] Deliveries);

    /// <summary>Confirms transactions to PostgreSQL strictly in commit order, each once Kafka acked all its messages.</summary>
    private async Task AcknowledgeInOrderAsync(LogicalReplicationConnection replication, ChannelReader<PendingTransaction> pending)
    {
        var lastSent = Stopwatch.StartNew();
        var acknowledged = false;
        try
        {
            await foreach (var tx in pending.ReadAllAsync())
            {
                await Task.WhenAll(tx.Deliveries); // a failed delivery stops the relay before its LSN is confirmed
                replication.SetReplicationStatus(tx.EndLsn);
                acknowledged = true;
                if (tx.Deliveries.Length > 0) RecordRelayed(tx); // none for a heartbeat
                // Caught up, or a while since the last one: tell the server, so a restart resumes from here.
                if (pending.Count == 0 || lastSent.ElapsedMilliseconds > 200)
                {
                    await replication.SendStatusUpdate(CancellationToken.None);
                    lastSent.Restart();
                    acknowledged = false;
                }
            }
        }
        finally
        {
            if (acknowledged)
            {
                try { await replication.SendStatusUpdate(CancellationToken.None); }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ObjectDisposedException)
                {
                    logger.LogWarning(e, "Could not send the final status update for {Database}; the unconfirmed tail is relayed again on restart", _database);
                }
            }
        }
    }

    private void RecordRelayed(PendingTransaction tx)
    {
        RelayedEvents.Add(tx.Deliveries.Length, new KeyValuePair<string, object?>("database", _database));
        _lastCommitToAckMs = (DateTime.UtcNow - tx.CommittedAt).TotalMilliseconds;
        Interlocked.Add(ref _relayedSinceReport, tx.Deliveries.Length);
        CommitToAck.Record(_lastCommitToAckMs, new KeyValuePair<string, object?>("database", _database));
    }

    private static async Task<OutboxRecord> ReadRecordAsync(InsertMessage insert, string[] columns, CancellationToken ct)
    {
        Guid id = default;
        string aggregateType = "", aggregateId = "", type = "", payload = "";
        DateTimeOffset timestamp = default;
        string? trace = null;
        var i = 0;
        await foreach (var value in insert.NewRow)
        {
            var column = i < columns.Length ? columns[i] : "";
            i++;
            if (value.IsDBNull) continue;
            switch (column)
            {
                case "id": id = await value.Get<Guid>(ct); break;
                case "aggregatetype": aggregateType = await value.Get<string>(ct); break;
                case "aggregateid": aggregateId = await value.Get<string>(ct); break;
                case "type": type = await value.Get<string>(ct); break;
                case "payload": payload = await value.Get<string>(ct); break;
                case "timestamp": timestamp = await value.Get<DateTimeOffset>(ct); break;
                case "tracingspancontext": trace = await value.Get<string>(ct); break;
                default: break; // other columns are skipped by the enumerator
            }
        }
        return new OutboxRecord(id, aggregateType, aggregateId, type, payload, timestamp, trace);
    }

    /// <summary>
    /// Logs and publishes the slot's lag now and then, emits the heartbeat, and prunes the archive past its retention.
    /// </summary>
    /// <remarks>
    /// The heartbeat is one non-transactional logical message into this database's WAL (as Debezium's
    /// <c>heartbeat.action.query</c>), in the same statement as the lag reading that follows each
    /// <see cref="OutboxRelayOptions.HeartbeatInterval"/>: no extra statement, no xid, no table. The
    /// stream brings it back and the relay confirms its LSN, so the slot advances, and WAL that other
    /// databases wrote can be recycled, even while this outbox is quiet.
    /// </remarks>
    private async Task ReportLagAndPruneAsync(CancellationToken ct)
    {
        var sincePrune = Stopwatch.StartNew();
        var sinceHeartbeat = Stopwatch.StartNew();
        var first = true;
        using var timer = new PeriodicTimer(options.LagReportInterval);
        try
        {
            do
            {
                try
                {
                    await using var conn = new NpgsqlConnection(connectionString);
                    await conn.OpenAsync(ct);
                    const string lagSql = "SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = $1";
                    // Due from half a tick early: the timer's ticks and the stopwatch need not agree to the millisecond.
                    var heartbeat = sinceHeartbeat.Elapsed >= options.HeartbeatInterval - options.LagReportInterval / 2;
                    var lag = heartbeat
                        ? await ScalarAsync(conn, $"SELECT ({lagSql}), pg_logical_emit_message(false, $2, '')", ct, SlotName, HeartbeatPrefix)
                        : await ScalarAsync(conn, lagSql, ct, SlotName);
                    if (heartbeat) sinceHeartbeat.Restart();
                    if (lag is long bytes)
                    {
                        lock (LagBytes) LagBytes[_database] = bytes;
                        var relayed = Interlocked.Exchange(ref _relayedSinceReport, 0);
                        // Quiet when idle; a line per interval while events flow; a warning when far behind.
                        var level = bytes > 16 * 1024 * 1024 ? LogLevel.Warning : relayed > 0 ? LogLevel.Information : LogLevel.Debug;
                        logger.Log(level, "Relay {Database}: {Relayed} events relayed in the last {Interval} s, lag {LagBytes} WAL bytes, last commit→Kafka ack {LastLatency:0.0} ms",
                            _database, relayed, options.LagReportInterval.TotalSeconds, bytes, _lastCommitToAckMs);
                    }
                    if (first || sincePrune.Elapsed >= options.PruneInterval)
                    {
                        first = false;
                        sincePrune.Restart();
                        await PruneArchiveAsync(conn, ct);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(e, "Could not measure relay lag for {Database}", _database);
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Deletes archived outbox rows older than the retention period (the publication is insert-only, so deletes are not relayed).</summary>
    public async Task<int> PruneArchiveAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"DELETE FROM {EventingModel.OutboxTable} WHERE timestamp < now() - make_interval(secs => $1)", conn)
        { Parameters = { new() { Value = options.RetentionDays * 86400.0 } } };
        var deleted = await cmd.ExecuteNonQueryAsync(ct);
        if (deleted > 0)
            logger.LogInformation("Pruned {Count} outbox rows older than {Days} days from {Database}", deleted, options.RetentionDays, _database);
        return deleted;
    }

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        lock (LagBytes)
            return LagBytes.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("database", kv.Key))).ToList();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is DBNull ? null : result;
    }
}
