extern alias cli;

namespace Hotel.CustomerCare.Tests;

using System.Net;
using System.Text.Json;
using Hotel.CustomerCare.Auth;
using Hotel.Testing;
using Xunit.Abstractions;
using HashPasswordCommand = cli::Hotel.Cli.HashPasswordCommand;

/// <summary>Sign-in that resists guessing, and cookies that follow the agent directory.</summary>
[Collection(CareCollection.Name)]
public sealed class SignInTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_out_with_429_and_Retry_After_before_any_password_hashing()
    {
        await using var app = await CareApp.StartAsync(infra, output);
        var directory = app.Service<AgentDirectory>();
        for (var i = 0; i < 5; i++)
        {
            using var guess = app.BasicClient(CareApp.Supervisor, "guess-" + i);
            using var response = await guess.GetAsync("/api/freshness");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var checksBefore = directory.PasswordChecks;
        foreach (var password in new[] { "guess-5", "guess-6", CareApp.SupervisorPassword })
        {
            using var client = app.BasicClient(CareApp.Supervisor, password);
            using var response = await client.GetAsync("/api/freshness");
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        }
        Assert.Equal(checksBefore, directory.PasswordChecks); // refused before PBKDF2

        // The sign-in page says so in words, for the locked account, even with the right password.
        var browser = app.NewClient();
        var page = await browser.GetStringAsync("/Login");
        using (var response = await browser.PostAsync("/Login", Form(("Email", CareApp.Supervisor), ("Password", CareApp.SupervisorPassword),
                   ("__RequestVerificationToken", CareApp.AntiforgeryToken(page)))))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("Too many failed sign-ins", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(checksBefore, directory.PasswordChecks);

        // Another account from the same client is not locked (the client has 6 failures of its 20).
        using var agent = app.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        using (var response = await agent.GetAsync("/api/freshness"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_for_many_accounts_lock_the_client_out()
    {
        await using var app = await CareApp.StartAsync(infra, output, setup: new(new Dictionary<string, string?> { ["SignIn:MaxFailuresPerClient"] = "3" }));
        for (var i = 0; i < 3; i++)
        {
            using var guess = app.BasicClient($"nobody{i}@hotel.local", "guess");
            using var response = await guess.GetAsync("/api/freshness");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var checksBefore = app.Service<AgentDirectory>().PasswordChecks;
        using var agent = app.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        using (var response = await agent.GetAsync("/api/freshness"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        }
        Assert.Equal(checksBefore, app.Service<AgentDirectory>().PasswordChecks);
    }

    [Fact]
    public async Task An_agent_from_hash_password_signs_in_and_loses_access_within_the_revalidation_interval_once_removed_or_demoted()
    {
        var dir = Directory.CreateTempSubdirectory("care-agents-");
        try
        {
            var removed = AgentEntry("rita.removed@hotel.local", "supervisor", "rita-removed-password");
            var demoted = AgentEntry("dora.demoted@hotel.local", "supervisor", "dora-demoted-password");
            var file = Path.Combine(dir.FullName, "agents.json");
            // Indexes 2 and 3: appsettings.Development.json has 0 and 1.
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { Agents = new Dictionary<string, object> { ["2"] = removed, ["3"] = demoted } }));
            await using var app = await CareApp.StartAsync(infra, output, setup: new(
                new Dictionary<string, string?> { ["SignIn:RevalidationInterval"] = "00:00:01" }, JsonFile: file));

            var rita = await app.SignInAsync("rita.removed@hotel.local", "rita-removed-password");
            var dora = await app.SignInAsync("dora.demoted@hotel.local", "dora-demoted-password");
            using (var response = await rita.GetAsync("/api/freshness")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using (var response = await dora.GetAsync("/api/freshness")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // Rita leaves the directory; Dora becomes an agent (the file is reloaded; the cookies are re-checked every second).
            demoted["Role"] = "agent";
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { Agents = new Dictionary<string, object> { ["3"] = demoted } }));
            await Eventually.WaitAsync(async () =>
            {
                using var response = await rita.GetAsync("/api/freshness");
                return response.StatusCode;
            }, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(30), "the removed agent's cookie refused");
            using (var response = await rita.GetAsync("/"))
            {
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("/Login", response.Headers.Location!.PathAndQuery);
            }
            await Eventually.WaitAsync(async () =>
            {
                using var response = await dora.GetAsync("/api/freshness");
                return response.StatusCode;
            }, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(30), "the demoted supervisor's cookie refused");

            // Signing in again gives Dora her new role only.
            var doraAgain = await app.SignInAsync("dora.demoted@hotel.local", "dora-demoted-password");
            var page = await doraAgain.GetStringAsync("/");
            Assert.Contains("(agent)", page);
            Assert.DoesNotContain("(supervisor)", page);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The entry <c>./hotel hash-password</c> prints (its JSON part), for a password typed on stdin.</summary>
    private static Dictionary<string, string> AgentEntry(string email, string role, string password)
    {
        var printed = new StringWriter();
        Assert.Equal(0, HashPasswordCommand.Run(email, email, role, new StringReader(password + "\n"), printed, inputRedirected: true));
        var text = printed.ToString();
        Assert.DoesNotContain(password, text);
        var json = text[text.IndexOf('{')..(text.IndexOf('}') + 1)];
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
