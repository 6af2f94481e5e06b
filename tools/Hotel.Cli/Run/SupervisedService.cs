using Microsoft.Extensions.Logging;

namespace Hotel.Cli.Run;

public enum ServiceState { Starting, Running, Restarting, GaveUp, Stopped }

/// <summary>
/// One service of the local run, kept running: when its process exits it is started again after the
/// <see cref="RestartPolicy"/>'s backoff, until the policy gives up or the run stops.
/// </summary>
public sealed class SupervisedService
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly Func<ServiceProcess> _start;
    private readonly RestartPolicy _policy;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Queue<DateTime> _recentRestarts = new();
    private readonly TaskCompletionSource<SupervisedService> _gaveUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _supervising = Task.CompletedTask;
    private DateTime _startedAt;

    public string Name { get; }
    public int Port { get; }
    public ServiceProcess Current { get; private set; }
    public ServiceState State { get; private set; } = ServiceState.Starting;
    public int Restarts { get; private set; }
    public int? LastExitCode { get; private set; }

    /// <summary>Why it gave up: the exits, the policy and its last log lines.</summary>
    public string? GaveUpReason { get; private set; }

    /// <summary>The current process (the bench reads its CPU time from /proc).</summary>
    public int ProcessId => Current.ProcessId;
    public string LogFile => Current.LogFile;

    /// <summary>Completes when the policy gave up on it.</summary>
    public Task<SupervisedService> GaveUp => _gaveUp.Task;

    /// <summary>Its pid, state or restart count changed (raised on a thread-pool thread).</summary>
    public event Action? Changed;

    private SupervisedService(string name, int port, Func<ServiceProcess> start, RestartPolicy policy, ILogger log)
    {
        Name = name;
        Port = port;
        _start = start;
        _policy = policy;
        _log = log;
        Current = start();
        _startedAt = DateTime.UtcNow;
    }

    /// <summary>Starts its first process; supervision begins with <see cref="Supervise"/>, once the whole stack is up.</summary>
    public static SupervisedService Start(string name, int port, Func<ServiceProcess> start, RestartPolicy policy, ILogger log) =>
        new(name, port, start, policy, log);

    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        await Current.WaitUntilReadyAsync(timeout, ct);
        SetState(ServiceState.Running);
    }

    public void Supervise() => _supervising = Task.Run(SuperviseAsync);

    private async Task SuperviseAsync()
    {
        var backoff = RestartPolicy.InitialBackoff;
        while (true)
        {
            try { await Current.Exited.WaitAsync(_stopping.Token); }
            catch (OperationCanceledException) { return; }
            await Current.CloseAsync();
            var now = DateTime.UtcNow;
            LastExitCode = Current.ExitCode;
            if (now - _startedAt >= RestartPolicy.StableAfter) backoff = RestartPolicy.InitialBackoff;
            while (_recentRestarts.Count > 0 && now - _recentRestarts.Peek() > _policy.Window) _recentRestarts.Dequeue();
            if (_recentRestarts.Count >= _policy.MaxRestarts)
            {
                GiveUp();
                return;
            }
            _recentRestarts.Enqueue(now);
            Restarts++;
            _log.LogWarning("{Service} exited with code {Code}; restarting in {Delay} s (restart {Restart})",
                Name, LastExitCode, backoff.TotalSeconds, Restarts);
            SetState(ServiceState.Restarting);
            try { await Task.Delay(backoff, _stopping.Token); }
            catch (OperationCanceledException) { return; }
            backoff = RestartPolicy.NextBackoff(backoff);

            Current = _start();
            _startedAt = DateTime.UtcNow;
            _log.LogInformation("{Service} started again (pid {Pid})", Name, Current.ProcessId);
            SetState(ServiceState.Starting);
            _ = MarkRunningWhenReadyAsync(Current);
        }
    }

    private async Task MarkRunningWhenReadyAsync(ServiceProcess process)
    {
        try
        {
            await process.WaitUntilReadyAsync(ReadyTimeout, _stopping.Token);
            if (process == Current) SetState(ServiceState.Running);
        }
        catch (CliException e) when (!process.Exited.IsCompleted)
        {
            _log.LogWarning("{Service} (pid {Pid}) is not ready yet: {Reason}", Name, process.ProcessId, e.Message); // e.g. its database is down; it stays up
        }
        catch (CliException) { } // it exited: the supervising loop restarts it
        catch (OperationCanceledException) { }
    }

    private void GiveUp()
    {
        var tail = Current.Tail;
        var why = _policy.MaxRestarts == 0 ? "restarts are off here" : $"already restarted {_recentRestarts.Count} time(s) within {_policy.Window.TotalMinutes:0.#} min, the limit";
        GaveUpReason = $"{Name} exited with code {LastExitCode} and {why}; giving up and stopping the suite. "
            + $"Its log: {Current.LogFile}" + (tail.Count > 0 ? "; its last lines:" + Environment.NewLine + string.Join(Environment.NewLine, tail) : "");
        _log.LogError("{Reason}", GaveUpReason);
        SetState(ServiceState.GaveUp);
        _gaveUp.TrySetResult(this);
    }

    private void SetState(ServiceState state)
    {
        State = state;
        Changed?.Invoke();
    }

    /// <summary>Stops supervising (a pending restart does not happen), then the current process: SIGTERM, a kill after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await _stopping.CancelAsync();
        await _supervising;
        await Current.StopAsync(grace);
        if (State != ServiceState.GaveUp) SetState(ServiceState.Stopped);
    }
}
