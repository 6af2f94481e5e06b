using System.Text;
using Confluent.Kafka;
using Hotel.Eventing.Consuming;
using Hotel.Eventing.Kafka;
using Npgsql;

namespace Hotel.Eventing.DeadLetters;

/// <summary>The outcome of <see cref="DeadLetterStore.ReplayAsync(IEnumerable{long}, IProducer{string?, string?}, CancellationToken)"/>.</summary>
public sealed record DeadLetterReplayResult(IReadOnlyList<long> Replayed, IReadOnlyList<long> NotFound);

/// <summary>
/// Lists and replays the <c>dead_letters</c> of one service's database over a plain connection string
/// (no DbContext), for the <c>./hotel dlq</c> tool. Replay re-produces the original key, value and
/// headers to the source topic; the consumers dedupe by the <c>id</c> header, so replaying is safe.
/// </summary>
public sealed class DeadLetterStore(string connectionString)
{
    private const string Columns =
        "id, event_id, event_type, topic, partition, \"offset\", key, value, headers::text, error, attempts, failed_at, replayed_at";

    /// <summary>Dead letters, oldest first; those replayed already only when <paramref name="includeReplayed"/>.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(bool includeReplayed = false, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM dead_letters {(includeReplayed ? "" : "WHERE replayed_at IS NULL ")}ORDER BY id", connection);
        return await ReadAsync(command, ct);
    }

    /// <summary>One dead letter by id, or null.</summary>
    public async Task<DeadLetter?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM dead_letters WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return (await ReadAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>Replays through a producer built from <paramref name="bootstrapServers"/> (the service's Kafka settings otherwise).</summary>
    public async Task<DeadLetterReplayResult> ReplayAsync(IEnumerable<long> ids, string bootstrapServers, CancellationToken ct = default)
    {
        var config = new KafkaOptions { BootstrapServers = bootstrapServers }.ProducerConfig("hotel-dlq-replay");
        using var producer = new ProducerBuilder<string?, string?>(config).Build();
        var result = await ReplayAsync(ids, producer, ct);
        producer.Flush(TimeSpan.FromSeconds(10));
        return result;
    }

    /// <summary>
    /// Re-produces each dead letter's original key, value and headers to its source topic and, once the
    /// broker acknowledged it, sets <c>replayed_at</c>. Ids that do not exist are reported, not thrown.
    /// </summary>
    public async Task<DeadLetterReplayResult> ReplayAsync(IEnumerable<long> ids, IProducer<string?, string?> producer, CancellationToken ct = default)
    {
        var replayed = new List<long>();
        var notFound = new List<long>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        foreach (var id in ids.Distinct())
        {
            await using var select = new NpgsqlCommand($"SELECT {Columns} FROM dead_letters WHERE id = @id", connection);
            select.Parameters.AddWithValue("id", id);
            var letter = (await ReadAsync(select, ct)).SingleOrDefault();
            if (letter is null)
            {
                notFound.Add(id);
                continue;
            }
            var stored = MessageHeaders.FromJson(letter.Headers);
            var headers = new Headers();
            foreach (var header in stored)
                if (!DeadLetterHeaders.All.Contains(header.Key)) headers.Add(header.Key, header.GetValueBytes());
            // Only the group that gave up processes the replay; the others have already dealt with the message.
            if (MessageHeaders.GetString(stored, DeadLetterHeaders.ConsumerGroup) is { Length: > 0 } group)
                headers.Add(DeadLetterHeaders.ReplayForGroup, Encoding.UTF8.GetBytes(group));
            await producer.ProduceAsync(letter.Topic,
                new Message<string?, string?> { Key = letter.Key, Value = letter.Value, Headers = headers }, ct);

            await using var update = new NpgsqlCommand("UPDATE dead_letters SET replayed_at = now() WHERE id = @id", connection);
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync(ct);
            replayed.Add(id);
        }
        return new DeadLetterReplayResult(replayed, notFound);
    }

    private static async Task<IReadOnlyList<DeadLetter>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            letters.Add(new DeadLetter
            {
                Id = reader.GetInt64(0),
                EventId = reader.IsDBNull(1) ? null : reader.GetGuid(1),
                EventType = reader.IsDBNull(2) ? null : reader.GetString(2),
                Topic = reader.GetString(3),
                Partition = reader.GetInt32(4),
                Offset = reader.GetInt64(5),
                Key = reader.IsDBNull(6) ? null : reader.GetString(6),
                Value = reader.IsDBNull(7) ? null : reader.GetString(7),
                Headers = reader.IsDBNull(8) ? "{}" : reader.GetString(8),
                Error = reader.GetString(9),
                Attempts = reader.GetInt32(10),
                FailedAt = reader.GetFieldValue<DateTimeOffset>(11),
                ReplayedAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
            });
        }
        return letters;
    }
}
