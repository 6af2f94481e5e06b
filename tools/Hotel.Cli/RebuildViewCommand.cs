using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hotel.Cli.Run;
using Spectre.Console;

namespace Hotel.Cli;

/// <summary>
/// <c>./hotel rebuild-view</c>: rebuilds customer care's view from the topics. Takes the view's digest, asks the
/// service to rebuild (it stops its consumer, empties the view and inbox, and replays every topic from the
/// earliest offset in a new consumer group), shows a progress bar with events/s and remaining lag until the
/// group has caught up, then compares the digest after with the one before. Needs a supervisor account.
/// </summary>
public static class RebuildViewCommand
{
    public const string DevSupervisor = "supervisor@hotel.local";
    public const string DevSupervisorPassword = "supervisor-dev-password";

    public sealed record Result(string DigestBefore, string DigestAfter, double FinalPercent, long TotalMessages, int AppliedEvents, TimeSpan Elapsed)
    {
        public bool DigestsEqual => DigestBefore == DigestAfter;
    }

    public static async Task<int> RunAsync(string? url, string? user, string? password, TimeSpan timeout, CancellationToken ct)
    {
        url ??= Environment.GetEnvironmentVariable("HOTEL_CUSTOMER_CARE_URL");
        user ??= Environment.GetEnvironmentVariable("HOTEL_AGENT_EMAIL");
        password ??= Environment.GetEnvironmentVariable("HOTEL_AGENT_PASSWORD");
        if (url is null)
        {
            var info = RunInfo.ReadLive(ServiceCatalog.DataDirectory(ServiceCatalog.RepositoryRoot()));
            if (!info.Services.TryGetValue("customer-care", out url))
                throw new CliException("customer-care is not part of the running ./hotel run; give --url (or set HOTEL_CUSTOMER_CARE_URL).");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl)) throw new CliException($"'{url}' is not a URL (e.g. http://127.0.0.1:5400).");
        try
        {
            var result = await RebuildAsync(baseUrl, user ?? DevSupervisor, password ?? DevSupervisorPassword, AnsiConsole.Console, timeout, ct);
            return result.DigestsEqual ? 0 : 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The rebuild's consumer group is customer care's view consumer from now on: stopping it half-way would leave
            // the view half-filled, so only the watching stops.
            Console.Error.WriteLine("hotel rebuild-view: stopped watching. If the rebuild had started, it goes on in customer care; GET /api/admin/rebuild shows its progress.");
            return Termination.ExitCode;
        }
    }

    public static async Task<Result> RebuildAsync(Uri baseUrl, string user, string password, IAnsiConsole console, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

        var before = await GetAsync(http, "/api/admin/digest", ct);
        var digestBefore = before.GetProperty("sha256").GetString()!;
        console.MarkupLineInterpolated($"View before: [bold]{before.GetProperty("guests").GetInt32()}[/] guests, {before.GetProperty("bookings").GetInt32()} bookings, {before.GetProperty("timelineEntries").GetInt32()} timeline entries; digest {digestBefore[..16]}…");

        using var started = await http.PostAsync("/api/admin/rebuild", null, ct);
        await EnsureOkAsync(started, "starting the rebuild");
        var status = await started.Content.ReadFromJsonAsync<JsonElement>(ct);
        var total = status.GetProperty("totalMessages").GetInt64();
        console.MarkupLineInterpolated($"Replaying {total} message(s) as consumer group [bold]{status.GetProperty("groupId").GetString()}[/]…");

        var clock = Stopwatch.StartNew();
        var finalPercent = 0d;
        var applied = 0;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("replaying", maxValue: Math.Max(1, total));
                var lastApplied = 0;
                var lastTime = clock.Elapsed;
                while (true)
                {
                    status = await GetAsync(http, "/api/admin/rebuild", ct);
                    var remaining = status.GetProperty("remainingLag").ValueKind == JsonValueKind.Number ? status.GetProperty("remainingLag").GetInt64() : total;
                    applied = status.GetProperty("appliedEvents").GetInt32();
                    var now = clock.Elapsed;
                    var rate = (applied - lastApplied) / Math.Max(0.001, (now - lastTime).TotalSeconds);
                    (lastApplied, lastTime) = (applied, now);
                    task.Value = total == 0 ? (remaining == 0 ? 1 : 0) : Math.Clamp(total - remaining, 0, total);
                    task.Description = $"{rate,6:0} events/s · {remaining} left · {applied} applied";
                    if (status.GetProperty("caughtUp").GetBoolean())
                    {
                        finalPercent = task.Percentage;
                        task.StopTask();
                        return;
                    }
                    if (clock.Elapsed > timeout) throw new CliException($"the rebuild did not catch up within {timeout.TotalSeconds:0} s ({remaining} message(s) left).");
                    await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                }
            });

        var after = await GetAsync(http, "/api/admin/digest", ct);
        var digestAfter = after.GetProperty("sha256").GetString()!;
        var result = new Result(digestBefore, digestAfter, finalPercent, total, applied, clock.Elapsed);
        console.MarkupLineInterpolated($"Progress reached {finalPercent:0}% in {clock.Elapsed.TotalSeconds:0.0} s: {applied} event(s) applied.");
        if (result.DigestsEqual)
            console.MarkupLineInterpolated($"[green]Digest equal[/] before and after: {digestAfter}");
        else
            console.MarkupLineInterpolated($"[red]Digest differs[/]: before {digestBefore}, after {digestAfter} (events that arrived during the rebuild change it too).");
        return result;
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        await EnsureOkAsync(response, $"GET {path}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private static async Task EnsureOkAsync(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new CliException($"{what}: wrong e-mail or password (give a supervisor with --user/--password or HOTEL_AGENT_EMAIL/HOTEL_AGENT_PASSWORD)."),
            HttpStatusCode.Forbidden => new CliException($"{what}: only a supervisor may rebuild the view."),
            _ => new CliException($"{what}: {(int)response.StatusCode} {body}"),
        };
    }
}
