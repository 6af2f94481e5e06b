using Hotel.Eventing.DeadLetters;
using Hotel.Testing;
using Xunit.Abstractions;

namespace Hotel.Eventing.Tests;

/// <summary>
/// <c>hotel dlq</c> run as a command against a stack that is not a local <c>./hotel run</c> (as docker-compose's):
/// where PostgreSQL and the broker are comes only from the flags and the environment.
/// </summary>
[Collection(ConsumingCollection.Name)]
public sealed class DlqCommandTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dlq_lists_and_replays_the_dead_letters_of_a_stack_named_by_flags_or_environment_without_a_local_run()
    {
        // "billing" is how ./hotel run and docker-compose name billing's database: the command looks for it in the cluster it is given.
        await using var bed = await ConsumingTestBed.CreateAsync(infra, database: "billing");
        var room = "cli-dlq-" + Guid.NewGuid().ToString("N")[..8];
        RoomBookedHandler.Broken[room] = true;
        try
        {
            await bed.StartHostAsync();
            var eventId = await bed.ProduceBookedAsync("hotel-7", room);
            var letter = Assert.Single(await Eventually.WaitAsync(() => new DeadLetterStore(bed.ConnectionString).ListAsync(), l => l.Count > 0,
                ConsumingTestBed.Deadline, "a dead letter"));

            // An empty data directory: no run.json, so nothing can come from a local run.
            var noRun = Directory.CreateTempSubdirectory("hotel-no-run-").FullName;
            var cluster = infra.Postgres.AdminConnectionString;
            var bare = new Dictionary<string, string> { ["HOTEL_DATA"] = noRun, ["HOTEL_POSTGRES"] = "", ["HOTEL_KAFKA_BOOTSTRAP_SERVERS"] = "" };

            var (code, text) = await HotelAsync(["dlq", "list"], bare);
            Assert.Equal(2, code);
            Assert.Contains("--postgres", text); // says how to name another stack

            (code, text) = await HotelAsync(["dlq", "list", "--postgres", cluster], bare);
            Assert.Equal(0, code);
            Assert.Contains("billing", text);
            Assert.Contains(eventId.ToString(), text);
            Assert.Contains("1 dead letter(s)", text);

            var fromEnvironment = new Dictionary<string, string>(bare) { ["HOTEL_POSTGRES"] = cluster };
            (code, text) = await HotelAsync(["dlq", "replay", "billing", letter.Id.ToString()], fromEnvironment);
            Assert.Equal(2, code);
            Assert.Contains("--bootstrap-servers", text); // replaying needs the broker too

            RoomBookedHandler.Broken.TryRemove(room, out _); // the fix
            (code, text) = await HotelAsync(["dlq", "replay", "billing", letter.Id.ToString(), "--bootstrap-servers", infra.BootstrapServers], fromEnvironment);
            Assert.Equal(0, code);
            Assert.Contains($"replayed billing dead letter {letter.Id}", text);
            await bed.WaitAppliedAsync(room, 1);

            fromEnvironment["HOTEL_KAFKA_BOOTSTRAP_SERVERS"] = infra.BootstrapServers;
            (code, text) = await HotelAsync(["dlq", "list"], fromEnvironment);
            Assert.Equal(0, code);
            Assert.Contains("No dead letters waiting", text);
        }
        finally
        {
            RoomBookedHandler.Broken.TryRemove(room, out _);
        }
    }

    private async Task<(int Code, string Output)> HotelAsync(string[] args, IDictionary<string, string> env)
    {
        await using var cli = ChildProcess.StartHotel(args, env);
        var code = await cli.ExitCodeAsync(CommandTimeout);
        output.WriteLine($"$ hotel {string.Join(' ', args)} → {code}\n{cli.Output}");
        return (code, cli.Output);
    }
}
