using System.Diagnostics;
using Hotel.Cli.Run;

namespace Hotel.Cli.Bench;

/// <summary>
/// <c>./hotel bench-peer</c>: the minimal flow, ours beside Wolverine (tools/Hotel.Bench.Peer). Run as
/// its own executable, so Wolverine stays out of the CLI and of every service.
/// </summary>
public static class PeerCommand
{
    private const string Project = "tools/Hotel.Bench.Peer";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var root = ServiceCatalog.RepositoryRoot();
        var assembly = new[] { "Release", "Debug" }
            .Select(configuration => Path.Combine(root, Project, "bin", configuration, "net10.0", "Hotel.Bench.Peer.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
            ?? throw new CliException($"{Project} is not built; run it through ./hotel, which builds first.");
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
        psi.ArgumentList.Add(assembly);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.ArgumentList.Add("--data");
        psi.ArgumentList.Add(ServiceCatalog.DataDirectory(root));
        using var bench = Process.Start(psi) ?? throw new CliException("could not start the peer benchmark.");
        // A terminal's Ctrl+C reaches it too (same process group), a signal sent to this process alone does not: pass it on,
        // then wait while it stops its processes and PostgreSQL.
        await using var passOn = ct.Register(() => Posix.Interrupt(bench.Id));
        await bench.WaitForExitAsync(CancellationToken.None);
        return bench.ExitCode;
    }
}
