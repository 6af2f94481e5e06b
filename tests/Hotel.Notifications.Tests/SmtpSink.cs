namespace Hotel.Notifications.Tests;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

/// <summary>
/// A real SMTP server for a test: Debian's aiosmtpd writing every accepted message to a Maildir, read
/// back with MimeKit. Recipients whose local part contains <c>reject</c> get <c>550</c>; those containing
/// <c>tempfail</c> get <c>451</c> on their first two attempts. It can be stopped and started again on the
/// same port and Maildir, to play an outage.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Handler = """
        from aiosmtpd.handlers import Mailbox

        class Sink(Mailbox):
            tempfails = {}

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                local = address.split('@')[0].lower()
                if 'reject' in local:
                    return '550 5.1.1 Mailbox unavailable'
                if 'tempfail' in local:
                    seen = Sink.tempfails.get(address, 0)
                    Sink.tempfails[address] = seen + 1
                    if seen < 2:
                        return '451 4.3.0 Try again later'
                envelope.rcpt_tos.append(address)
                return '250 OK'
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "hotel-smtp-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _process;

    public int Port { get; } = FreePort();
    public string Maildir => Path.Combine(_root, "maildir");

    private SmtpSink() { }

    /// <summary>A sink on a free port; <paramref name="start"/> false leaves the port closed (an outage) until <see cref="StartAsync"/>.</summary>
    public static async Task<SmtpSink> CreateAsync(bool start = true)
    {
        var sink = new SmtpSink();
        Directory.CreateDirectory(sink._root);
        await File.WriteAllTextAsync(Path.Combine(sink._root, "hotel_sink.py"), Handler);
        if (start) await sink.StartAsync();
        return sink;
    }

    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) return;
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "hotel_sink.Sink", Maildir }) psi.ArgumentList.Add(arg);
        psi.Environment["PYTHONPATH"] = _root;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Hotel.Testing.Eventually.WaitAsync(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"aiosmtpd exited with {_process.ExitCode} (is python3-aiosmtpd installed?)");
            using var client = new TcpClient();
            try { await client.ConnectAsync(IPAddress.Loopback, Port); return true; }
            catch (SocketException) { return false; }
        }, TimeSpan.FromSeconds(20), $"aiosmtpd listening on {Port}");
    }

    /// <summary>Kills the server: the port refuses connections until <see cref="StartAsync"/>.</summary>
    public void Stop()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Every message delivered so far, parsed.</summary>
    public List<MimeMessage> Messages()
    {
        var dir = Path.Combine(Maildir, "new");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList();
    }

    public int Count()
    {
        var dir = Path.Combine(Maildir, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Length : 0;
    }

    public List<MimeMessage> For(string bookingReference) =>
        Messages().Where(m => m.Headers["X-Hotel-Booking-Reference"] == bookingReference).ToList();

    /// <summary>Waits until <paramref name="count"/> messages about a booking arrived.</summary>
    public async Task<List<MimeMessage>> WaitForAsync(string bookingReference, int count, TimeSpan? timeout = null) =>
        await Hotel.Testing.Eventually.WaitAsync(() => Task.FromResult(For(bookingReference)), m => m.Count >= count,
            timeout ?? TimeSpan.FromSeconds(30), $"{count} mail(s) about {bookingReference}");

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}

public static class MailExtensions
{
    public static MimeMessage OfKind(this IEnumerable<MimeMessage> messages, string kind) =>
        Assert.Single(messages, m => m.Headers["X-Hotel-Mail-Kind"] == kind);
}
