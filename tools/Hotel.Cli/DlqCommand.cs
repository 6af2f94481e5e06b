namespace Hotel.Cli;

public static class DlqCommand
{
    public static Task<int> RunAsync(string[] args) => throw new CliException("dlq: not built yet.");
}
