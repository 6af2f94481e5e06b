using System.Runtime.InteropServices;

namespace Hotel.Cli;

/// <summary>
/// Ctrl+C and SIGTERM, the same for every command. The first cancels <see cref="Token"/>: the command stops what it
/// started (services, the bench's PostgreSQL, child processes) and returns. The second forces: what was registered
/// with <see cref="OnForce"/> runs (PostgreSQL is stopped immediately, since it would outlive this process; the
/// services and the dev inbox watch this process's pid and stop by themselves), then the process exits with 130.
/// </summary>
public sealed class Termination : IDisposable
{
    public const int ExitCode = 130; // 128 + SIGINT, as shells report an interrupted command

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _sigint, _sigterm;
    private readonly List<Action> _onForce = [];
    private int _signals;

    public Termination()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>What a forced exit must still do, briefly and synchronously.</summary>
    public void OnForce(Action action)
    {
        lock (_onForce) _onForce.Add(action);
    }

    /// <summary>For a command with nothing to stop (or blocked where a token does not reach): the first signal exits.</summary>
    public IDisposable ExitOnFirstSignal() => Token.Register(() => Environment.Exit(ExitCode));

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // the default would end the process before anything is stopped
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Console.Error.WriteLine($"hotel: {context.Signal} received, stopping… ({(context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "a signal")} again forces)");
            _cancel.Cancel();
            return;
        }
        Console.Error.WriteLine("hotel: forced to stop");
        Action[] actions;
        lock (_onForce) actions = [.. _onForce];
        foreach (var action in actions)
        {
            try { action(); }
            catch (Exception e) { Console.Error.WriteLine($"hotel: {e.Message}"); }
        }
        Environment.Exit(ExitCode);
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cancel.Dispose();
    }
}
