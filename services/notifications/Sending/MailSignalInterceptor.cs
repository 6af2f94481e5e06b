namespace Hotel.Notifications.Sending;

using System.Data.Common;
using System.Runtime.CompilerServices;
using Hotel.Notifications.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// Signals <see cref="MailSignal"/> after a commit that made mail due: an <see cref="Email"/> added or changed
/// to <see cref="EmailStatus.Pending"/> with its attempt time reached. The sender's own commits (sent, failed,
/// retry later) make nothing due, so they wake no one. SaveChanges notes what it saves; the notice fires once
/// the data is committed: at the explicit transaction's commit, or after SaveChanges when it ran on its own.
/// </summary>
public sealed class MailSignalInterceptor(MailSignal signal, TimeProvider clock) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    private static readonly object Due = new();

    // Contexts whose saved, not yet committed changes made mail due.
    private readonly ConditionalWeakTable<DbContext, object> _saved = new();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        NoteDueMail(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        NoteDueMail(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NotifyIfCommitted(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NotifyIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => ForgetIfNoTransaction(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetIfNoTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => NotifyIfNoted(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        NotifyIfNoted(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void NoteDueMail(DbContext? context)
    {
        if (context is null) return;
        var now = clock.GetUtcNow();
        foreach (var entry in context.ChangeTracker.Entries<Email>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified
                && entry.Entity.Status == EmailStatus.Pending && entry.Entity.NextAttemptAt <= now)
            {
                _saved.AddOrUpdate(context, Due);
                return;
            }
        }
    }

    // Without a transaction of the caller's, SaveChanges has committed by now (its own transaction's commit, if it
    // used one, has already notified and cleared the note).
    private void NotifyIfCommitted(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null) NotifyIfNoted(context);
    }

    private void NotifyIfNoted(DbContext? context)
    {
        if (context is not null && _saved.Remove(context)) signal.Notify();
    }

    private void ForgetIfNoTransaction(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null) Forget(context);
    }

    private void Forget(DbContext? context)
    {
        if (context is not null) _saved.Remove(context);
    }
}
