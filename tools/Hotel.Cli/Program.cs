using Hotel.Cli;

// `./hotel <command>`: the bash script installs what is missing and builds, then runs this; the commands are in CommandTable.
using var termination = new Termination();
try
{
    return await CommandTable.InvokeAsync(args, termination);
}
catch (CliException e)
{
    Console.Error.WriteLine($"hotel {args.FirstOrDefault()}: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (termination.Token.IsCancellationRequested)
{
    return Termination.ExitCode;
}
