using System.Diagnostics;

namespace Hotel.Cli.Run;

/// <summary>
/// A service (or the CLI's own relay command) running as a child process, its output prefixed on the console and kept
/// in a log file. Ready when its <c>/health/ready</c> answers, or, for a process without HTTP, when it writes its ready line.
/// </summary>
public sealed class ServiceProcess
{
    private static readonly string[] Colors = ["36", "32", "33", "35", "34"]; // ANSI: cyan, green, yellow, magenta, blue
    private static int _next;

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _color;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _wroteReadyLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _readyLine;
    private readonly Queue<string> _tail = new();
    private bool _logClosed;

    public string Name { get; }
    public string LogFile { get; }
    public int Port { get; }

    /// <summary>The service's process (the bench reads its CPU time from /proc).</summary>
    public int ProcessId => _process.Id;

    public Task Exited => _exited.Task;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines it wrote, for the message when it keeps crashing.</summary>
    public IReadOnlyList<string> Tail { get { lock (_log) return [.. _tail]; } }

    private const int TailLines = 20;

    private readonly bool _echo;

    private ServiceProcess(string name, int port, Process process, string logFile, bool echo, string? readyLine)
    {
        _echo = echo;
        _readyLine = readyLine;
        Name = name;
        Port = port;
        _process = process;
        LogFile = logFile;
        _log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        _color = Colors[Interlocked.Increment(ref _next) % Colors.Length];
    }

    public static ServiceProcess Start(ServiceDefinition service, int port, string assembly, IDictionary<string, string> env, string logDirectory, bool echo) =>
        Start(service.Name, port, assembly, [], env, logDirectory, echo, readyLine: null);

    /// <summary>A process with no HTTP endpoint (the relay): ready once a line of its output contains <paramref name="readyLine"/>.</summary>
    public static ServiceProcess StartCommand(string name, string assembly, IReadOnlyList<string> arguments, IDictionary<string, string> env, string logDirectory, bool echo,
        string readyLine) =>
        Start(name, 0, assembly, arguments, env, logDirectory, echo, readyLine);

    private static ServiceProcess Start(string name, int port, string assembly, IReadOnlyList<string> arguments, IDictionary<string, string> env, string logDirectory, bool echo,
        string? readyLine)
    {
        Directory.CreateDirectory(logDirectory);
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!, // content root: where appsettings.json is
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(assembly);
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ServiceProcess(name, port, process, Path.Combine(logDirectory, name + ".log"), echo, readyLine);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.Exited += (_, _) => child._exited.TrySetResult();
        if (!process.Start()) throw new CliException($"could not start {name}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_logClosed) return;
            _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines) _tail.Dequeue();
        }
        if (_readyLine is not null && line.Contains(_readyLine, StringComparison.Ordinal)) _wroteReadyLine.TrySetResult();
        if (_echo) Console.WriteLine(Console.IsOutputRedirected ? $"{Name,-13} {line}" : $"\e[{_color}m{Name,-13}\e[0m {line}");
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_readyLine is not null)
        {
            await Task.WhenAny(_wroteReadyLine.Task, Exited, Task.Delay(timeout, ct));
            ct.ThrowIfCancellationRequested();
            if (_wroteReadyLine.Task.IsCompleted) return;
            if (Exited.IsCompleted) throw new CliException($"{Name} exited during start-up (code {ExitCode}); see {LogFile}.");
            throw new CliException($"{Name} was not ready after {timeout.TotalSeconds} s; see {LogFile}.");
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (Exited.IsCompleted) throw new CliException($"{Name} exited during start-up (code {ExitCode}); see {LogFile}.");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{Port}/health/ready", ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            if (DateTime.UtcNow > deadline) throw new CliException($"{Name} was not ready on port {Port} after {timeout.TotalSeconds} s; see {LogFile}.");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>SIGTERM, then a kill if it has not stopped within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            Posix.Terminate(_process.Id);
            using var cts = new CancellationTokenSource(grace);
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        await CloseAsync();
    }

    /// <summary>Once it has exited: waits for the rest of its output, then closes the log file.</summary>
    public async Task CloseAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)); // a grandchild may hold the pipes open
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { }
        lock (_log)
        {
            if (_logClosed) return;
            _logClosed = true;
            _log.Dispose();
        }
    }
}

internal static class Posix
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public static void Terminate(int pid) => _ = kill(pid, 15);

    public static void Interrupt(int pid) => _ = kill(pid, 2);
}
