using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// <c>./hotel run</c> supervises its services: <c>kill -9</c> of one service process (notifications) leaves the
/// rest of the suite running, the run starts it again under a new pid and says so in its output and in
/// <c>run.json</c>, and the restarted process does its work (a booking placed afterwards gets its confirmation mail).
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class ServiceRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SuiteRun _suite = new();

    [Fact]
    public async Task A_service_killed_with_kill_9_is_restarted_under_a_new_pid_and_mails_the_next_booking()
    {
        var info = await _suite.StartAsync();
        Assert.NotNull(info.Inbox);
        Assert.NotNull(info.Processes);
        var before = info.Processes["notifications"];
        Assert.Equal(("running", 0), (before.State, before.Restarts));

        Process.GetProcessById(before.Pid).Kill(); // SIGKILL
        var after = await Eventually.WaitAsync(async () => (await _suite.ReadInfoAsync()).Processes!["notifications"],
            p => p is { State: "running", Restarts: 1 } && p.Pid != before.Pid, SuiteRun.Deadline, "run.json to show notifications restarted and running");
        Assert.Equal(137, after.LastExitCode); // 128 + SIGKILL
        Assert.False(_suite.HasExited, "hotel run stopped when one service died:\n" + _suite.Output);
        Assert.Contains("notifications exited with code 137; restarting in 1 s (restart 1)", _suite.Output);

        using var notifications = new HttpClient { BaseAddress = new Uri(info.Services["notifications"]) };
        using (var health = await notifications.GetAsync("/health/ready")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var others = (await _suite.ReadInfoAsync()).Processes!.Where(p => p.Key != "notifications").ToList();
        Assert.All(others, p => Assert.Equal(("running", 0, info.Processes[p.Key].Pid), (p.Value.State, p.Value.Restarts, p.Value.Pid)));

        // A booking placed now with a card tokenised at billing: billing charges it, the restarted notifications mails
        // the confirmation (its dead predecessor's partitions come back to it once the group's session timeout expired).
        var email = $"restart.{Guid.NewGuid().ToString("N")[..6]}@e2e.example";
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(90);
        using var billing = new HttpClient { BaseAddress = new Uri(info.Services["billing"]) };
        using var card = await billing.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "Rita Restart", email });
        Assert.Equal(HttpStatusCode.Created, card.StatusCode);
        var paymentMethodId = (await card.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var booking = new HttpClient { BaseAddress = new Uri(info.Services["booking"]) };
        using var placed = await booking.PostAsJsonAsync("/api/bookings", new
        {
            hotelId = "lis-alfama",
            roomTypeId = "lis-alfama-twin",
            checkIn = checkIn.ToString("yyyy-MM-dd"),
            checkOut = checkIn.AddDays(1).ToString("yyyy-MM-dd"),
            guest = new { name = "Rita Restart", email },
            paymentMethodId,
        });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var reference = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;

        using var inbox = new HttpClient { BaseAddress = new Uri(info.Inbox!.Url) };
        await Eventually.WaitAsync(async () => (await InboxMails.ReadAsync(inbox))
                .Any(m => m.To.Contains(email) && m.Subject.Contains(reference) && m.Subject.Contains("confirmed")),
            SuiteRun.Deadline, $"the confirmation of {reference} in the dev inbox");

        // SIGTERM (Ctrl+C) still stops everything, the restarted process too.
        var pids = (await _suite.ReadInfoAsync()).Processes!.Values.Select(p => p.Pid).ToList();
        await _suite.TerminateAsync();
        Assert.Equal(0, _suite.ExitCode);
        Assert.False(File.Exists(_suite.RunJson), "run.json outlived the run");
        Assert.All(pids, pid => Assert.True(IsGone(pid), $"service process {pid} outlived hotel run"));
    }

    [Fact]
    public async Task A_service_that_keeps_crashing_stops_the_run_after_the_restart_limit_naming_it_and_its_log()
    {
        var info = await _suite.StartAsync(new Dictionary<string, string> { ["HOTEL_MAX_RESTARTS"] = "1" });
        var first = info.Processes!["billing"];
        Process.GetProcessById(first.Pid).Kill();
        var second = await Eventually.WaitAsync(async () => (await _suite.ReadInfoAsync()).Processes!["billing"],
            p => p is { State: "running", Restarts: 1 } && p.Pid != first.Pid, SuiteRun.Deadline, "billing restarted once");
        var pids = (await _suite.ReadInfoAsync()).Processes!.Values.Select(p => p.Pid).ToList();

        Process.GetProcessById(second.Pid).Kill(); // the second exit within the window: past HOTEL_MAX_RESTARTS=1
        await Eventually.WaitAsync(() => Task.FromResult(_suite.HasExited), SuiteRun.Deadline, "hotel run to give up and exit");
        Assert.Equal(1, _suite.ExitCode);
        Assert.Contains("billing exited with code 137 and already restarted 1 time(s) within 10 min, the limit; giving up and stopping the suite", _suite.Output);
        Assert.Contains(first.Log, _suite.Output);
        Assert.EndsWith("billing.log", first.Log);
        Assert.False(File.Exists(_suite.RunJson), "run.json outlived the run");
        Assert.All(pids, pid => Assert.True(IsGone(pid), $"service process {pid} outlived hotel run"));
    }

    /// <summary>No such process, or only its zombie (exited, not yet reaped).</summary>
    private static bool IsGone(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z'); }
        catch (IOException) { return true; } // FileNotFound, DirectoryNotFound: no such process
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_suite.Output.Length > 20_000 ? _suite.Output[^20_000..] : _suite.Output);
        await _suite.DisposeAsync();
    }
}
