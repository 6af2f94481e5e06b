using Hotel.Bench.Peer;
using Hotel.Bench.Peer.OursSide;
using Hotel.Bench.Peer.WolverineSide;

// No role: the coordinator (infrastructure, child processes, steps, figures). A role: one child process of it.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var role = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;
if (args.Contains("--help") || args.Contains("-h")) role = "help";
try
{
    switch (role)
    {
        case "ours-writer": await OursRoles.WriterAsync(ChildArgs.Parse(args), stop.Token); return 0;
        case "ours-relay": await OursRoles.RelayAsync(ChildArgs.Parse(args), stop.Token); return 0;
        case "ours-consumer": await OursRoles.ConsumerAsync(ChildArgs.Parse(args), stop.Token); return 0;
        case "peer-writer": await PeerRoles.WriterAsync(ChildArgs.Parse(args), stop.Token); return 0;
        case "peer-consumer": await PeerRoles.ConsumerAsync(ChildArgs.Parse(args), stop.Token); return 0;
        case "help": Console.WriteLine(BenchSettings.Usage); return 0;
        case null: return await Coordinator.RunAsync(BenchSettings.Parse(args), stop.Token);
        default: throw new ArgumentException($"unknown role '{role}'.");
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bench-peer: {e.Message}");
    Console.Error.WriteLine(BenchSettings.Usage);
    return 2;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 130;
}
