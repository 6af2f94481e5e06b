using System.Net.Sockets;
using Hotel.Eventing.DeadLetters;
using Npgsql;
using Spectre.Console;

namespace Hotel.Cli;

/// <summary>
/// <c>./hotel dlq</c>: lists the dead letters kept in every service's database and replays chosen
/// ones (produces them again to their source topic; consumers deduplicate by event id).
/// Works against a live <c>./hotel run</c>, whose <c>.hotel/run.json</c> says where things are, or any other
/// stack (docker-compose) named by <c>--postgres</c> and <c>--bootstrap-servers</c> or their environment variables.
/// </summary>
public static class DlqCommand
{
    public static Task<int> ListAsync(StackTarget target, bool includeReplayed) => Reaching(async () =>
    {
        var table = new Table().AddColumns("service", "id", "failed at", "source", "event", "error", "replayed");
        var total = 0;
        foreach (var (service, cs) in target.Databases)
        {
            IReadOnlyList<DeadLetter> letters;
            try { letters = await new DeadLetterStore(cs).ListAsync(includeReplayed); }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName) { continue; } // consumes nothing yet, or not in this stack
            foreach (var l in letters)
            {
                total++;
                table.AddRow(Markup.Escape(service), l.Id.ToString(), l.FailedAt.ToString("u"), Markup.Escape($"{l.Topic}[{l.Partition}]@{l.Offset}"),
                    Markup.Escape($"{l.EventType ?? "?"} {l.EventId?.ToString() ?? ""}"), Markup.Escape(Truncate(ShortError(l.Error), 70)),
                    l.ReplayedAt?.ToString("u") ?? "");
            }
        }
        if (total == 0)
        {
            Console.WriteLine(includeReplayed ? "No dead letters." : "No dead letters waiting (dlq list --all shows replayed ones too).");
            return 0;
        }
        AnsiConsole.Console.Profile.Width = Math.Max(AnsiConsole.Console.Profile.Width, 180); // piped output defaults to 80 columns
        AnsiConsole.Write(table);
        Console.WriteLine($"{total} dead letter(s). Replay with: ./hotel dlq replay <service> <id>...");
        return 0;
    });

    public static Task<int> ReplayAsync(StackTarget target, string service, long[] ids) => Reaching(async () =>
    {
        if (!target.Databases.TryGetValue(service, out var cs))
            throw new CliException($"unknown service '{service}'; known: {string.Join(", ", target.Databases.Keys)}.");
        var bootstrap = target.BootstrapServers ?? throw new CliException("give --bootstrap-servers host:port (or set HOTEL_KAFKA_BOOTSTRAP_SERVERS) to replay.");
        var result = await new DeadLetterStore(cs).ReplayAsync(ids, bootstrap);
        foreach (var id in result.Replayed) Console.WriteLine($"replayed {service} dead letter {id}");
        foreach (var id in result.NotFound) Console.Error.WriteLine($"no dead letter {id} in {service}");
        return result.NotFound.Count == 0 ? 0 : 1;
    });

    private static async Task<int> Reaching(Func<Task<int>> work)
    {
        try { return await work(); }
        catch (Exception e) when (e is NpgsqlException { InnerException: SocketException or TimeoutException } or SocketException or TimeoutException)
        {
            throw new CliException($"cannot reach PostgreSQL ({e.Message}); start ./hotel run or give --postgres <connection string> (or HOTEL_POSTGRES).");
        }
    }

    /// <summary><c>System.Text.Json.JsonException: …</c> → <c>JsonException: …</c>: the namespace adds nothing in a listing.</summary>
    private static string ShortError(string error) =>
        System.Text.RegularExpressions.Regex.Replace(error.ReplaceLineEndings(" "), @"^(?:\w+\.)+(?=\w+(?:Exception)?:)", "");

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
