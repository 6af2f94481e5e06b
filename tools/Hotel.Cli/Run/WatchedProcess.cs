using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hotel.Cli.Run;

/// <summary>A helper program of the run (dev inbox, telemetry dashboard) that must stop with the CLI, even after its kill -9.</summary>
public static class WatchedProcess
{
    /// <summary>Runs the program under a small shell watchdog that stops it when this process is gone.</summary>
    public static Process Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("\"$@\" & child=$!; while kill -0 \"$HOTEL_PARENT\" 2>/dev/null && kill -0 \"$child\" 2>/dev/null; do sleep 1; done; kill \"$child\" 2>/dev/null; wait \"$child\"");
        psi.ArgumentList.Add(Path.GetFileName(program));
        psi.ArgumentList.Add(program);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        psi.Environment["HOTEL_PARENT"] = Environment.ProcessId.ToString();
        var process = Process.Start(psi) ?? throw new CliException($"could not start {program}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static int PortFrom(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;

    public static async Task<bool> AcceptsAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

}
