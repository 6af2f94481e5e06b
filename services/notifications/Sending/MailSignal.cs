namespace Hotel.Notifications.Sending;

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// Wakes every sender worker as soon as something committed to the database, instead of at their next poll.
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

/// <summary>Signals <see cref="MailSignal"/> after every commit of the notifications DbContext (explicit or SaveChanges').</summary>
public sealed class MailSignalInterceptor(MailSignal signal) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        signal.Notify();
        return Task.CompletedTask;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        signal.Notify();
        return ValueTask.FromResult(result);
    }
}
