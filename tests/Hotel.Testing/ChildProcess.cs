using System.Diagnostics;
using System.Text;

namespace Hotel.Testing;

/// <summary>A program of the suite run as a real child process, so a test can kill it (SIGKILL) at any moment.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public string Output { get { lock (_output) return _output.ToString(); } }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    private ChildProcess(Process process) => _process = process;

    /// <summary>Runs <c>dotnet &lt;assembly&gt; args…</c>; the assembly path is relative to the test's output folder.</summary>
    public static ChildProcess StartDotnet(string assembly, IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, assembly), .. args], env);

    /// <summary>
    /// Runs <c>./hotel args…</c>, the script a person types, from the repository's root; <paramref name="input"/> (a
    /// line, say) is its whole standard input. The script execs the CLI, so <see cref="Id"/> is the CLI's pid.
    /// </summary>
    public static ChildProcess StartHotel(IEnumerable<string> args, IDictionary<string, string>? env = null, string? input = null) =>
        Start("bash", [Repository.PathOf("hotel"), .. args], env, input);

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/>, its output and errors collected in <see cref="Output"/>.</summary>
    public static ChildProcess Start(string program, IEnumerable<string> args, IDictionary<string, string>? env = null, string? input = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (child._output) child._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (child._output) child._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        return child;
    }

    /// <summary>Waits for a command that ends by itself; kills it when it has not ended within <paramref name="timeout"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); throw new TimeoutException($"the command did not end within {timeout.TotalSeconds:0} s; its output:\n{Output}"); }
        _process.WaitForExit(); // the parameterless wait also drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no clean-up code of the child runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as a service manager or Ctrl+C would stop it, then waits for it to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) _ = kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGINT, as Ctrl+C in a terminal sends it (here to this process alone, not to a process group).</summary>
    public void Interrupt() => Signal(2);

    /// <summary>Sends signal number <paramref name="signal"/> (2 SIGINT, 15 SIGTERM) to this process alone.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited) _ = kill(_process.Id, signal);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.CompletedTask;
        _process.Dispose();
    }
}
