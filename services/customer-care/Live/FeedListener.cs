namespace Hotel.CustomerCare.Live;

using Hotel.CustomerCare.Infrastructure;
using Hotel.ServiceDefaults;
using Microsoft.AspNetCore.SignalR;

/// <summary>
/// Sends every instance's feed items to this instance's agents: LISTENs on <see cref="FeedNotifications.Channel"/> on a
/// connection of its own and waits (no polling, no CPU while idle); each notification is one committed transaction's items,
/// whichever instance applied it. When the database goes away it listens again after a capped backoff; items committed
/// meanwhile are not replayed (the feed is live only; the pages read the view).
/// </summary>
public sealed class FeedListener(IServiceScopeFactory scopes, IHubContext<FeedHub> hub, TimeProvider clock, ILogger<FeedListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var received = new List<string>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await DatabaseListener.ListenAsync<CustomerCareDbContext>(scopes, FeedNotifications.Channel, stoppingToken);
                connection.Notification += (_, e) => received.Add(e.Payload); // raised inside WaitAsync, on this loop
                failures = 0;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                    foreach (var payload in received) await SendAsync(payload);
                    received.Clear();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                received.Clear();
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures++)));
                logger.LogWarning(e, "Live feed: listening for feed items failed; listening again in {Delay}", delay);
                try
                {
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
    private async Task SendAsync(string payload)
    {
        FeedItem[] items;
        try { items = FeedNotifications.Parse(payload); }
        catch (System.Text.Json.JsonException e)
        {
            logger.LogWarning(e, "Live feed: a notification on {Channel} is not a list of feed items", FeedNotifications.Channel);
            return;
        }
        foreach (var item in items)
        {
            try { await hub.Clients.All.SendAsync(FeedHub.Method, item, CancellationToken.None); }
            catch (Exception e) { logger.LogWarning(e, "Live feed: could not send {Kind} of {Reference}", item.Kind, item.Reference); }
        }
    }
}
