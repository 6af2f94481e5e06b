using Hotel.Cli;
using Hotel.Cli.Bench;
using Hotel.Cli.Run;

// `./hotel <command>`: the bash script installs what is missing and builds, then runs this.
var command = args.FirstOrDefault() ?? "help";
var rest = args.Skip(1).ToArray();
try
{
    return command switch
    {
        "run" => await LocalRun.RunAsync(rest),
        "relay" => await RelayCommand.RunAsync(rest),
        "dlq" => await DlqCommand.RunAsync(rest),
        "slots" => await SlotsCommand.RunAsync(rest, Console.Out, Console.Error),
        "bench" => await BenchCommand.RunAsync(rest),
        "bench-peer" => await PeerCommand.RunAsync(rest),
        "rebuild-view" => await RebuildViewCommand.RunAsync(rest),
        "hash-password" => HashPasswordCommand.Run(rest, Console.In, Console.Out, Console.IsInputRedirected),
        "help" or "--help" or "-h" => Usage.Print(),
        _ => Usage.Fail($"Unknown command '{command}'."),
    };
}
catch (CliException e)
{
    Console.Error.WriteLine($"hotel {command}: {e.Message}");
    return 2;
}
