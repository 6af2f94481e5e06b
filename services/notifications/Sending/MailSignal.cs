namespace Hotel.Notifications.Sending;

/// <summary>
/// Wakes one idle sender worker as soon as a commit made mail due, instead of at its next poll. A signal given while
/// no worker waits is kept (one at most) for the next to wait, so a commit made while a worker was looking is never
/// missed. A worker that finds more mail than it takes signals again, waking another.
/// </summary>
public sealed class MailSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount > 0) return; // already signalled
        try { _signal.Release(); }
        catch (SemaphoreFullException) { } // signalled meanwhile
    }

    /// <returns>true when signalled, false when <paramref name="timeout"/> passed first.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
