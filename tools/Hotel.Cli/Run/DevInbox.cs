using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Hotel.Cli.Run;

/// <summary>
/// The local run's mail server, so notifications' mail can be read by a person: smtp4dev (Rnwood.Smtp4dev, BSD-3, a
/// .NET tool pinned in the repository's <c>dotnet-tools.json</c>, which the <c>hotel</c> script restores; no Node), its
/// web inbox and REST API (<c>/api/messages</c>) on http://127.0.0.1:1080, SMTP on 127.0.0.1:2525, both on loopback
/// only, no IMAP or POP3. Its mail is kept in the data directory (<c>inbox-smtp4dev/</c>). Ports: <c>HOTEL_SMTP_PORT</c>,
/// <c>HOTEL_INBOX_PORT</c>. A real server is used by setting <c>Smtp__Host</c> (and <c>Smtp__Port</c>) in the
/// environment: then no dev inbox starts.
/// </summary>
public sealed class DevInbox : IAsyncDisposable
{
    /// <summary>Which server it is, as the run table and the bench name it.</summary>
    public string Server { get; }

    private readonly Process _process;

    public int SmtpPort { get; }

    /// <summary>The watchdog shell; smtp4dev is its child.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The web inbox.</summary>
    public string Where { get; }

    private DevInbox(Process process, int smtpPort, string where, string server)
    {
        _process = process;
        SmtpPort = smtpPort;
        Where = where;
        Server = server;
    }

    /// <param name="root">The repository, whose tool manifest pins smtp4dev.</param>
    /// <param name="discard">The bench's: an SMTP server that accepts and discards (Debian's aiosmtpd, its Sink handler),
    /// since nobody reads the bench's mail and smtp4dev, which parses and stores each one, cost 11 CPU-ms a booking there.</param>
    public static async Task<DevInbox?> StartAsync(string root, string dataDirectory, ILogger log, CancellationToken ct, bool discard = false)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Smtp__Host"))) return null; // a real SMTP server is configured
        var smtpPort = WatchedProcess.PortFrom("HOTEL_SMTP_PORT", 2525);
        var webPort = WatchedProcess.PortFrom("HOTEL_INBOX_PORT", 1080);
        foreach (var (port, variable) in new[] { (smtpPort, "HOTEL_SMTP_PORT"), (webPort, "HOTEL_INBOX_PORT") })
            if (await WatchedProcess.AcceptsAsync(port, ct))
                throw new CliException($"port {port} (dev inbox) is taken, perhaps by a dev inbox a killed run left behind; stop it or set {variable}.");

        var home = Path.Combine(dataDirectory, "inbox-smtp4dev");
        var url = discard ? "(discarded)" : $"http://127.0.0.1:{webPort}";
        DevInbox inbox;
        if (discard)
        {
            inbox = new DevInbox(WatchedProcess.Start("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{smtpPort}", "-c", "aiosmtpd.handlers.Sink"]),
                smtpPort, url, "aiosmtpd, discarding");
        }
        else
        {
            Directory.CreateDirectory(home);
            // `dotnet smtp4dev` from the repository: the local tool of dotnet-tools.json (restored by ./hotel).
            inbox = new DevInbox(WatchedProcess.Start("dotnet",
                ["smtp4dev", $"--urls={url}", $"--smtpport={smtpPort}", "--bindaddress=127.0.0.1", "--imapport=", "--pop3port=",
                 $"--db={Path.Combine(home, "database.db")}", "--messagestokeep=100000", "--sessionstokeep=20", "--nousersettings", "--hostname=localhost"],
                new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = home, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }, workingDirectory: root), smtpPort, url, "smtp4dev");
        }
        var process = inbox._process;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90); // smtp4dev creates its database on a first start
        while (!await WatchedProcess.AcceptsAsync(smtpPort, ct) || (!discard && !await WatchedProcess.AcceptsAsync(webPort, ct)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await inbox.DisposeAsync();
                throw new CliException(discard
                    ? $"the bench's SMTP sink (python3 -m aiosmtpd, Debian's python3-aiosmtpd) did not start listening on 127.0.0.1:{smtpPort}."
                    : $"the dev inbox (smtp4dev, `dotnet smtp4dev` in {root}: run `dotnet tool restore` there) did not start listening on SMTP 127.0.0.1:{smtpPort} and {url}; or set Smtp__Host to use your own SMTP server.");
            }
            await Task.Delay(100, ct);
        }
        log.LogInformation("Dev inbox ({Server}): SMTP 127.0.0.1:{Port}, mail at {Where}", inbox.Server, smtpPort, inbox.Where);
        return inbox;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
