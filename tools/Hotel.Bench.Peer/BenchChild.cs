using System.Diagnostics;
using System.Reflection;

namespace Hotel.Bench.Peer;

/// <summary>A child process of the coordinator (this same program in another role), its stderr kept in a log file.</summary>
public sealed class BenchChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _stderrPump;

    public string Name { get; }
    public int Pid => _process.Id;
    public string LogFile { get; }

    private BenchChild(string name, Process process, string logFile)
    {
        Name = name;
        _process = process;
        LogFile = logFile;
        _log = new StreamWriter(logFile) { AutoFlush = true };
        _stderrPump = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line) Log(line);
        });
    }

    public static BenchChild Start(string name, ChildArgs args, string logDirectory)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Started as `dotnet Hotel.Bench.Peer.dll`: run the same assembly; as the apphost, the same executable.
        if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet") psi.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        foreach (var a in args.ToArgs()) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {name}.");
        return new BenchChild(name, process, Path.Combine(logDirectory, name.Replace(' ', '-') + ".log"));
    }

    /// <summary>Waits for a protocol line starting with <paramref name="prefix"/>; other stdout lines go to the log.</summary>
    public async Task<string> ReadLineAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                    ?? throw new InvalidOperationException($"{Name} exited (code {(_process.HasExited ? _process.ExitCode : -1)}); see {LogFile}");
                if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
                Log(line);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not answer '{prefix}' within {timeout.TotalSeconds:N0} s; see {LogFile}");
        }
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    private void Log(string line)
    {
        lock (_log) _log.WriteLine(line);
    }

    /// <summary>Closes stdin (the child's stop signal), waits up to 20 s, then kills it.</summary>
    public async ValueTask DisposeAsync()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await _process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        await _stderrPump;
        lock (_log) _log.Dispose();
        _process.Dispose();
    }
}
