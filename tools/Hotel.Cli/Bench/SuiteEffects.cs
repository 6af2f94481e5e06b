using Hotel.Cli.Run;
using Npgsql;

namespace Hotel.Cli.Bench;

/// <summary>An outbox row and the time its transaction committed (<c>pg_xact_commit_timestamp(xmin)</c>; the cluster tracks commit timestamps).</summary>
public sealed record EventCommit(Guid Id, string AggregateType, string Type, string AggregateId, DateTime CommittedAt);

/// <summary>An event applied by a consumer: its inbox row, written in the transaction of the change.</summary>
public sealed record EventApplied(Guid EventId, string EventType, DateTime At);

/// <summary>A mail the SMTP server accepted, for the event it answers.</summary>
public sealed record MailAccepted(Guid EventId, Guid BookingId, string Kind, DateTime At);

/// <summary>What the suite committed and did from a moment on, read from the services' own tables.</summary>
public sealed record EffectsSnapshot(
    DateTime Since,
    DateTime ReadAt,
    IReadOnlyList<EventCommit> Commits,
    IReadOnlyDictionary<string, List<EventApplied>> AppliedByConsumer,
    IReadOnlyList<MailAccepted> Mails);

/// <summary>Reads commits (every outbox), applications (every inbox) and accepted mails (notifications' <c>emails</c>).</summary>
public sealed class SuiteEffects(LocalStack stack)
{
    public const string Confirmation = "Confirmation";
    public const string Receipt = "Receipt";

    /// <summary>The aggregate type of the relay backlog measurement's rows, which no consumer reads.</summary>
    public const string BacklogAggregateType = "benchbacklog";

    private IReadOnlyList<ServiceDefinition>? _consumers;

    /// <summary>The services with an inbox table, i.e. that consume events.</summary>
    public async Task<IReadOnlyList<ServiceDefinition>> ConsumersAsync()
    {
        if (_consumers is not null) return _consumers;
        var consumers = new List<ServiceDefinition>();
        foreach (var service in stack.Services)
        {
            await using var conn = await OpenAsync(service);
            await using var cmd = new NpgsqlCommand("SELECT to_regclass('inbox') IS NOT NULL", conn);
            if ((bool)(await cmd.ExecuteScalarAsync())!) consumers.Add(service);
        }
        return _consumers = consumers;
    }

    public async Task<EffectsSnapshot> ReadAsync(DateTime since)
    {
        var commits = new List<EventCommit>();
        foreach (var service in stack.Services.Where(s => s.HasOutbox))
        {
            await using var conn = await OpenAsync(service);
            // "timestamp" (indexed) is written before the commit, so a little before the window bounds it safely.
            await using var cmd = new NpgsqlCommand(
                "SELECT id, aggregatetype, type, aggregateid, pg_xact_commit_timestamp(xmin) FROM outbox " +
                "WHERE \"timestamp\" >= $1 AND aggregatetype <> $2 AND pg_xact_commit_timestamp(xmin) >= $3", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = since.AddMinutes(-1) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = BacklogAggregateType });
            cmd.Parameters.Add(new NpgsqlParameter { Value = since });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                commits.Add(new EventCommit(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTime>(4).ToUniversalTime()));
        }

        var applied = new Dictionary<string, List<EventApplied>>();
        foreach (var service in await ConsumersAsync())
        {
            await using var conn = await OpenAsync(service);
            await using var cmd = new NpgsqlCommand("SELECT event_id, coalesce(event_type, ''), coalesce(pg_xact_commit_timestamp(xmin), processed_at) FROM inbox WHERE processed_at >= $1", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = since });
            await using var reader = await cmd.ExecuteReaderAsync();
            var list = applied[service.Name] = [];
            while (await reader.ReadAsync()) list.Add(new EventApplied(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTime>(2).ToUniversalTime()));
        }

        var mails = new List<MailAccepted>();
        if (stack.Services.FirstOrDefault(s => s.Name == "notifications") is { } notifications)
        {
            await using var conn = await OpenAsync(notifications);
            await using var cmd = new NpgsqlCommand("SELECT event_id, booking_id, kind, sent_at FROM emails WHERE sent_at >= $1 AND kind = ANY($2)", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = since });
            cmd.Parameters.Add(new NpgsqlParameter { Value = new[] { Confirmation, Receipt } });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                mails.Add(new MailAccepted(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTime>(3).ToUniversalTime()));
        }
        return new EffectsSnapshot(since, DateTime.UtcNow, commits, applied, mails);
    }

    private async Task<NpgsqlConnection> OpenAsync(ServiceDefinition service)
    {
        var conn = new NpgsqlConnection(stack.Postgres.ConnectionString(service.Database));
        await conn.OpenAsync();
        return conn;
    }
}
