namespace Hotel.CustomerCare.Tests;

using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Hotel.CustomerCare.Live;
using Hotel.CustomerCare.View;
using Hotel.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

/// <summary>Two customer-care instances on one database: an agent sees every feed item, whichever instance applied it.</summary>
[Collection(CareCollection.Name)]
public sealed class LiveFeedAcrossInstancesTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task A_feed_item_applied_by_one_instance_reaches_agents_of_both_instances_once()
    {
        await using var applying = await CareApp.StartAsync(infra, output);
        // The other instance shares the database but consumes topics nobody writes to: whatever its agents see came from the first.
        var quiet = new CareTopics(infra.NewTopic("booking.events", 2), infra.NewTopic("payment.events", 2), infra.NewTopic("email.events", 2));
        await using var serving = await CareApp.StartAsync(infra, output, setup: new CareApp.Setup(Database: applying.ConnectionString, Topics: quiet));

        await using var onServing = await ConnectAsync(serving);
        await using var onApplying = await ConnectAsync(applying);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var stay = new Wire.Stay(Guid.NewGuid(), "HTLIV" + Random.Shared.Next(1000, 9999), "Ana Live", "ana.live@example.com", today.AddDays(10), 2, 200m);
        await applying.ProduceAsync([Wire.Placed(stay, DateTimeOffset.UtcNow)], infra.BootstrapServers);
        await onServing.WaitForAsync(stay.Reference, TimelineKinds.Placed);
        await applying.ProduceAsync([Wire.Captured(stay, 200m, DateTimeOffset.UtcNow)], infra.BootstrapServers);
        await onServing.WaitForAsync(stay.Reference, TimelineKinds.PaymentCaptured);
        await onApplying.WaitForAsync(stay.Reference, TimelineKinds.PaymentCaptured);

        // Items arrive in commit order, so by now the placement's has arrived, and only once, on each instance.
        Assert.Single(onServing.Items, i => i.Kind == TimelineKinds.Placed && i.Reference == stay.Reference);
        Assert.Single(onApplying.Items, i => i.Kind == TimelineKinds.Placed && i.Reference == stay.Reference);
    }

    private static async Task<FeedClient> ConnectAsync(CareApp app)
    {
        var cookies = new CookieContainer();
        using var _ = await app.SignInAsync(CareApp.Agent, CareApp.AgentPassword, cookies);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, FeedHub.Path), o => o.Cookies = cookies)
            .Build();
        var client = new FeedClient(connection);
        connection.On<JsonElement>(FeedHub.Method, item => client.Items.Enqueue(
            new ReceivedItem(item.GetProperty("kind").GetString()!, item.GetProperty("reference").GetString()!)));
        await connection.StartAsync();
        return client;
    }

    private sealed record ReceivedItem(string Kind, string Reference);

    private sealed class FeedClient(HubConnection connection) : IAsyncDisposable
    {
        public ConcurrentQueue<ReceivedItem> Items { get; } = new();

        public Task WaitForAsync(string reference, string kind) =>
            Eventually.WaitAsync(() => Task.FromResult(Items.Any(i => i.Reference == reference && i.Kind == kind)),
                TimeSpan.FromSeconds(30), $"the feed item {kind} of {reference}");

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
