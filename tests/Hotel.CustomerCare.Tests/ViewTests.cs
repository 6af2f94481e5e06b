namespace Hotel.CustomerCare.Tests;

using Hotel.Testing;
using Xunit.Abstractions;

[Collection(CareCollection.Name)]
public sealed class ViewTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Shuffled_cross_topic_order_gives_exact_totals_tiers_and_timelines_and_the_same_digest()
    {
        var scenario = new Scenario();
        await using var first = await CareApp.StartAsync(infra, output);
        await using var second = await CareApp.StartAsync(infra, output);
        var seeds = (Random.Shared.Next(), Random.Shared.Next());
        output.WriteLine($"shuffle seeds {seeds.Item1}, {seeds.Item2}");
        var firstOrder = scenario.Shuffled(seeds.Item1);
        output.WriteLine("first order: " + string.Join(", ", firstOrder));
        await first.ProduceAsync(firstOrder, infra.BootstrapServers);
        await second.ProduceAsync(scenario.Shuffled(seeds.Item2), infra.BootstrapServers);
        await first.WaitForAppliedAsync(Scenario.DistinctEvents, Deadline);
        await second.WaitForAppliedAsync(Scenario.DistinctEvents, Deadline);

        using var api1 = first.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        using var api2 = second.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        await scenario.AssertViewAsync(api1);
        await scenario.AssertViewAsync(api2);

        // The whole view, not just what the assertions look at, is the same for both orders.
        using var admin1 = first.BasicClient(CareApp.Supervisor, CareApp.SupervisorPassword);
        using var admin2 = second.BasicClient(CareApp.Supervisor, CareApp.SupervisorPassword);
        var digest1 = (await CareApp.GetJsonAsync(admin1, "/api/admin/digest")).GetProperty("sha256").GetString();
        var digest2 = (await CareApp.GetJsonAsync(admin2, "/api/admin/digest")).GetProperty("sha256").GetString();
        Assert.Equal(digest1, digest2);
        Assert.Equal(Scenario.DistinctEvents, await first.AppliedEventsAsync());
    }

    [Fact]
    public async Task Rebuild_command_replays_to_100_percent_with_an_equal_digest_and_the_same_view()
    {
        var scenario = new Scenario();
        await using var app = await CareApp.StartAsync(infra, output);
        await app.ProduceAsync(scenario.Shuffled(Random.Shared.Next()), infra.BootstrapServers);
        await app.WaitForAppliedAsync(Scenario.DistinctEvents, Deadline);

        // Through the command, as an operator of another stack (docker-compose) runs it: the service and the account
        // come from the environment, and an empty data directory means there is no local run to find them in.
        var env = new Dictionary<string, string>
        {
            ["HOTEL_DATA"] = Directory.CreateTempSubdirectory("hotel-no-run-").FullName,
            ["HOTEL_CUSTOMER_CARE_URL"] = app.BaseAddress.ToString(),
            ["HOTEL_AGENT_EMAIL"] = CareApp.Supervisor,
            ["HOTEL_AGENT_PASSWORD"] = CareApp.SupervisorPassword,
        };
        await using var cli = ChildProcess.StartHotel(["rebuild-view", "--timeout", ((int)Deadline.TotalSeconds).ToString()], env);
        var code = await cli.ExitCodeAsync(Deadline + TimeSpan.FromSeconds(30));
        output.WriteLine(cli.Output);

        Assert.Equal(0, code); // the digests are equal
        Assert.Contains($"Replaying {scenario.Events.Count} message(s)", cli.Output); // every message on the three topics
        Assert.Contains($"Progress reached 100% in", cli.Output);
        Assert.Contains($"{Scenario.DistinctEvents} event(s) applied", cli.Output);
        Assert.Contains("Digest equal", cli.Output);
        using var api = app.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        await scenario.AssertViewAsync(api);

        // The agent role may read but not rebuild.
        using var agent = app.BasicClient(CareApp.Agent, CareApp.AgentPassword);
        using var refused = await agent.PostAsync("/api/admin/rebuild", null);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
