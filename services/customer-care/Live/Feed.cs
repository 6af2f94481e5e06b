namespace Hotel.CustomerCare.Live;

using System.Data.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>One line of the live feed: a booking placed or a change of its status.</summary>
public sealed record FeedItem(
    string Kind, string Title, Guid BookingId, string Reference, Guid? GuestId, string? GuestName, string? HotelName,
    DateTimeOffset OccurredAt, string Status, string PaymentStatus);

/// <summary>Agents' browsers subscribe here; the server sends <c>feed</c> messages (a <see cref="FeedItem"/>).</summary>
[Authorize]
public sealed class FeedHub : Hub
{
    public const string Path = "/hubs/feed";
    public const string Method = "feed";
}

/// <summary>
/// Feed items of the event being applied (scoped: one per message attempt). They are sent only when its
/// transaction commits (<see cref="FeedCommitInterceptor"/>), so agents never see a change that rolled back.
/// </summary>
public sealed class FeedBuffer
{
    private readonly List<FeedItem> _items = [];
    public void Add(FeedItem item) { lock (_items) _items.Add(item); }

    public List<FeedItem> Drain()
    {
        lock (_items)
        {
            var items = _items.ToList();
            _items.Clear();
            return items;
        }
    }

    public void Clear() { lock (_items) _items.Clear(); }
}

/// <summary>
/// Publishes the buffered feed items with the view transaction: one <c>pg_notify</c> statement just before it commits,
/// so PostgreSQL delivers them on commit — to the <see cref="FeedListener"/> of every instance, which sends them to its own
/// agents — and drops them on rollback. A transaction without feed items costs nothing extra.
/// </summary>
public sealed class FeedCommitInterceptor(FeedBuffer buffer) : DbTransactionInterceptor
{
    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        var items = buffer.Drain();
        if (items.Count > 0) await FeedNotifications.PublishAsync(transaction, items, cancellationToken);
        return result;
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        buffer.Clear();
        return Task.CompletedTask;
    }
}
