using Hotel.Testing;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// Ctrl+C (SIGINT) of <c>./hotel bench</c>, through the script, once it has started its private stack: nothing it
/// started outlives it, neither the services (its child processes) nor its PostgreSQL (a daemon of pg_ctl's, not a child).
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class InterruptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Ctrl_C_during_a_bench_stops_its_services_and_its_postgres_and_exits_130()
    {
        var data = Directory.CreateTempSubdirectory("hotel-interrupt-").FullName;
        await using var bench = await StartedBenchAsync(data);
        var started = Processes.DescendantsOf(bench.Id);
        Assert.NotEmpty(Processes.PostgresOf(data)); // what the interrupt must stop
        Assert.NotEmpty(started);

        bench.Interrupt();
        var code = await bench.ExitCodeAsync(TimeSpan.FromSeconds(120));
        output.WriteLine(bench.Output);

        Assert.Equal(130, code);
        Assert.Contains("stopping", bench.Output);
        Assert.Empty(Processes.PostgresOf(data));
        Assert.DoesNotContain(started, Processes.IsAlive);
    }

    [Fact]
    public async Task A_second_Ctrl_C_forces_the_bench_out_at_once_and_still_stops_its_postgres()
    {
        var data = Directory.CreateTempSubdirectory("hotel-interrupt-").FullName;
        await using var bench = await StartedBenchAsync(data);
        var started = Processes.DescendantsOf(bench.Id);
        Assert.NotEmpty(Processes.PostgresOf(data));

        bench.Interrupt();
        await Eventually.WaitAsync(() => Task.FromResult(bench.Output.Contains("again forces")), TimeSpan.FromSeconds(10), "the first Ctrl+C to be taken");
        bench.Interrupt();
        var code = await bench.ExitCodeAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(bench.Output);

        Assert.Equal(130, code);
        Assert.Contains("forced to stop", bench.Output);
        Assert.Empty(Processes.PostgresOf(data));
        // The services watch the CLI's pid (once a second) and stop by themselves.
        await Eventually.WaitAsync(() => Task.FromResult(!started.Any(Processes.IsAlive)), TimeSpan.FromSeconds(30), "the services to notice the CLI is gone");
    }

    [Fact]
    public async Task Ctrl_C_during_bench_peer_reaches_its_processes_and_stops_its_postgres()
    {
        var data = Directory.CreateTempSubdirectory("hotel-interrupt-").FullName;
        await using var peer = ChildProcess.StartHotel(["bench-peer", "--rates", "250", "--step-seconds", "120"], new Dictionary<string, string> { ["HOTEL_DATA"] = data });
        await Eventually.WaitAsync(() => Task.FromResult(peer.Output.Contains("Starting each side's processes") || peer.HasExited), StartDeadline, "bench-peer to start its processes");
        Assert.False(peer.HasExited, peer.Output);
        Assert.NotEmpty(Processes.PostgresOf(data));
        var started = Processes.DescendantsOf(peer.Id);

        peer.Interrupt(); // the CLI alone: it passes the signal on to the benchmark's coordinator
        var code = await peer.ExitCodeAsync(TimeSpan.FromSeconds(120));
        output.WriteLine(peer.Output);

        Assert.Equal(130, code);
        Assert.Empty(Processes.PostgresOf(data));
        await Eventually.WaitAsync(() => Task.FromResult(!started.Any(Processes.IsAlive)), TimeSpan.FromSeconds(30), "the benchmark's processes to stop");
    }

    /// <summary><c>./hotel bench</c> with a long idle phase, returned once its stack runs (the warm-up has begun).</summary>
    private async Task<ChildProcess> StartedBenchAsync(string data)
    {
        var bench = ChildProcess.StartHotel(["bench", "--rate", "5", "--seconds", "30", "--warmup", "5", "--idle-seconds", "300"],
            new Dictionary<string, string> { ["HOTEL_DATA"] = data });
        try
        {
            await Eventually.WaitAsync(() => Task.FromResult(bench.Output.Contains("Warm-up") || bench.HasExited), StartDeadline, "the bench's stack to start");
            Assert.False(bench.HasExited, bench.Output);
            return bench;
        }
        catch
        {
            output.WriteLine(bench.Output);
            await bench.DisposeAsync();
            throw;
        }
    }
}
