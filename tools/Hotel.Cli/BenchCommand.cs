namespace Hotel.Cli;

public static class BenchCommand
{
    public static Task<int> RunAsync(string[] args) => throw new CliException("bench: not built yet.");
}
