using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Hotel.Cli.Run;

/// <summary>
/// The local run's mail server, so notifications' mail can be read by a person: maildev (npm; REST API under /api, e.g. /api/email; SMTP on
/// 127.0.0.1:2525, web inbox on http://127.0.0.1:1080), installed into <c>.hotel/tools</c> on first use.
/// (<c>./hotel bench</c>, which runs the same stack in a temporary data directory, reuses that install.)
/// Where maildev cannot be had (no npm, no registry), Debian's aiosmtpd writes a Maildir in <c>.hotel/inbox</c>
/// instead. Ports: <c>HOTEL_SMTP_PORT</c>, <c>HOTEL_INBOX_PORT</c>. A real server is used by setting
/// <c>Smtp__Host</c> (and <c>Smtp__Port</c>) in the environment: then no dev inbox starts.
/// </summary>
public sealed class DevInbox : IAsyncDisposable
{
    private readonly Process _process;

    public int SmtpPort { get; }
    public string Server { get; }

    /// <summary>The watchdog shell; the server (maildev's node, or python) is its child.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The web inbox (maildev), or the Maildir folder (aiosmtpd).</summary>
    public string Where { get; }

    private DevInbox(Process process, int smtpPort, string server, string where)
    {
        _process = process;
        SmtpPort = smtpPort;
        Server = server;
        Where = where;
    }

    /// <param name="root">The repository: maildev is installed once into its <c>.hotel/tools</c>, whatever the data directory.</param>
    public static async Task<DevInbox?> StartAsync(string root, string dataDirectory, ILogger log, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Smtp__Host"))) return null; // a real SMTP server is configured
        var smtpPort = WatchedProcess.PortFrom("HOTEL_SMTP_PORT", 2525);
        var webPort = WatchedProcess.PortFrom("HOTEL_INBOX_PORT", 1080);
        if (await WatchedProcess.AcceptsAsync(smtpPort, ct))
            throw new CliException($"port {smtpPort} (dev SMTP) is taken, perhaps by a dev inbox a killed run left behind; stop it or set HOTEL_SMTP_PORT.");

        var tools = Path.Combine(root, ".hotel", "tools");
        var maildev = Path.Combine(tools, "node_modules", ".bin", "maildev");
        if (!File.Exists(maildev) && OnPath("npm"))
        {
            log.LogInformation("Installing maildev (npm) into {Tools}…", tools);
            Directory.CreateDirectory(tools);
            await RunAsync("npm", ["install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error", "maildev"], ct);
        }

        DevInbox inbox;
        if (File.Exists(maildev))
        {
            var mail = Path.Combine(dataDirectory, "inbox-maildev");
            inbox = new DevInbox(WatchedProcess.Start(maildev,
                ["--smtp", smtpPort.ToString(), "--web", webPort.ToString(), "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", mail]),
                smtpPort, "maildev", $"http://127.0.0.1:{webPort}");
        }
        else if (File.Exists("/usr/bin/python3"))
        {
            var maildir = Path.Combine(dataDirectory, "inbox");
            log.LogWarning("maildev is not available (npm install failed or npm is missing); mail goes to the Maildir {Maildir} (aiosmtpd), without a web inbox", maildir);
            inbox = new DevInbox(WatchedProcess.Start("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{smtpPort}", "-c", "aiosmtpd.handlers.Mailbox", maildir]),
                smtpPort, "aiosmtpd", maildir);
        }
        else
        {
            log.LogWarning("No dev SMTP server (neither maildev nor python3-aiosmtpd); notifications keeps its mail pending until one listens on 127.0.0.1:{Port}", smtpPort);
            return null;
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90); // node starts slowly on a busy machine
        while (!await WatchedProcess.AcceptsAsync(smtpPort, ct))
        {
            if (inbox._process.HasExited || DateTime.UtcNow > deadline)
            {
                await inbox.DisposeAsync();
                throw new CliException($"the dev inbox ({inbox.Server}) did not start listening on 127.0.0.1:{smtpPort}.");
            }
            await Task.Delay(100, ct);
        }
        log.LogInformation("Dev inbox ({Server}): SMTP 127.0.0.1:{Port}, mail at {Where}", inbox.Server, smtpPort, inbox.Where);
        return inbox;
    }

    private static async Task RunAsync(string program, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var output = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) Console.Error.WriteLine($"hotel: {program} {string.Join(' ', psi.ArgumentList)} failed: {await output}");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));


    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
