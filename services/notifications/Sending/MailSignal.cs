namespace Hotel.Notifications.Sending;

/// <summary>
/// Wakes every sender worker as soon as a commit made mail due, instead of at their next poll.
/// A worker takes <see cref="Next"/> before it looks for work, so a commit in between is never missed.
/// </summary>
public sealed class MailSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <returns>true when <paramref name="next"/> was signalled, false when <paramref name="timeout"/> passed first.</returns>
    public static async Task<bool> WaitAsync(Task next, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await next.WaitAsync(timeout, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
