namespace Hotel.CustomerCare.Live;

using System.Data.Common;
using System.Text;
using System.Text.Json;
using Npgsql;

/// <summary>
/// Feed items as PostgreSQL notifications on <see cref="Channel"/>: JSON arrays of items, each payload under PostgreSQL's
/// 8000-byte limit, all of a transaction's chunks in one statement.
/// </summary>
public static class FeedNotifications
{
    public const string Channel = "customer_care_feed";

    /// <summary>PostgreSQL refuses a payload of 8000 bytes or more; a little room is kept.</summary>
    internal const int MaxPayloadBytes = 7900;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task PublishAsync(DbTransaction transaction, IReadOnlyList<FeedItem> items, CancellationToken ct)
    {
        var payloads = Chunk(items);
        if (payloads.Count == 0) return;
        await using var command = new NpgsqlCommand($"SELECT pg_notify('{Channel}', payload) FROM unnest($1::text[]) AS payload",
            (NpgsqlConnection)transaction.Connection!, (NpgsqlTransaction)transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = payloads.ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The items as JSON arrays of at most <see cref="MaxPayloadBytes"/> each (an item too big on its own is left out).</summary>
    internal static List<string> Chunk(IReadOnlyList<FeedItem> items)
    {
        var payloads = new List<string>();
        var chunk = new List<string>();
        var bytes = 2; // the brackets
        foreach (var item in items)
        {
            var json = JsonSerializer.Serialize(item, Json);
            var size = Encoding.UTF8.GetByteCount(json) + 1; // and a comma
            if (size + 2 > MaxPayloadBytes) continue; // names are bounded where they are accepted; this never happens in practice
            if (bytes + size > MaxPayloadBytes)
            {
                payloads.Add("[" + string.Join(',', chunk) + "]");
                chunk.Clear();
                bytes = 2;
            }
            chunk.Add(json);
            bytes += size;
        }
        if (chunk.Count > 0) payloads.Add("[" + string.Join(',', chunk) + "]");
        return payloads;
    }

    public static FeedItem[] Parse(string payload) => JsonSerializer.Deserialize<FeedItem[]>(payload, Json) ?? [];
}
