using Hotel.Cli.Run;
using Hotel.Eventing.DeadLetters;
using Npgsql;
using Spectre.Console;

namespace Hotel.Cli;

/// <summary>
/// <c>./hotel dlq</c>: lists the dead letters kept in every service's database and replays chosen
/// ones (produces them again to their source topic; consumers deduplicate by event id).
/// Works against a live <c>./hotel run</c>, whose <c>.hotel/run.json</c> says where things are.
/// </summary>
public static class DlqCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var info = RunInfo.ReadLive(ServiceCatalog.DataDirectory(ServiceCatalog.RepositoryRoot()));
        return args switch
        {
            ["list"] => await ListAsync(info, includeReplayed: false),
            ["list", "--all"] => await ListAsync(info, includeReplayed: true),
            ["replay", var service, .. var ids] when ids.Length > 0 => await ReplayAsync(info, service, ids),
            _ => throw new CliException("usage: dlq list [--all] | dlq replay <service> <id>..."),
        };
    }

    private static async Task<int> ListAsync(RunInfo info, bool includeReplayed)
    {
        var table = new Table().AddColumns("service", "id", "failed at", "source", "event", "error", "replayed");
        var total = 0;
        foreach (var (service, cs) in info.Postgres.Databases)
        {
            IReadOnlyList<DeadLetter> letters;
            try { letters = await new DeadLetterStore(cs).ListAsync(includeReplayed); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { continue; } // consumes nothing yet
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
    }

    private static async Task<int> ReplayAsync(RunInfo info, string service, string[] rawIds)
    {
        if (!info.Postgres.Databases.TryGetValue(service, out var cs))
            throw new CliException($"unknown service '{service}'; running: {string.Join(", ", info.Postgres.Databases.Keys)}.");
        var ids = rawIds.Select(r => long.TryParse(r, out var id) ? id : throw new CliException($"'{r}' is not a dead-letter id (a number from dlq list).")).ToList();
        var result = await new DeadLetterStore(cs).ReplayAsync(ids, info.Kafka.BootstrapServers);
        foreach (var id in result.Replayed) Console.WriteLine($"replayed {service} dead letter {id}");
        foreach (var id in result.NotFound) Console.Error.WriteLine($"no dead letter {id} in {service}");
        return result.NotFound.Count == 0 ? 0 : 1;
    }

    /// <summary><c>System.Text.Json.JsonException: …</c> → <c>JsonException: …</c>: the namespace adds nothing in a listing.</summary>
    private static string ShortError(string error) =>
        System.Text.RegularExpressions.Regex.Replace(error.ReplaceLineEndings(" "), @"^(?:\w+\.)+(?=\w+(?:Exception)?:)", "");

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
