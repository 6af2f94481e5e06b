using Hotel.Eventing.Outbox;
using Hotel.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hotel.Eventing.Tests;

/// <summary>With the built-in relay off (docker-compose: Debezium captures), each service prunes its own outbox archive.</summary>
[Collection(nameof(InfraCollection))]
public sealed class OutboxPruningTests(InfraFixture infra)
{
    [Fact]
    public async Task With_the_relay_off_a_service_deletes_outbox_rows_past_the_retention_period_and_keeps_the_rest()
    {
        var cs = await infra.NewDatabaseAsync("prune");
        var (old, recent) = await WriteRowsAsync(cs);

        using var host = BuildHost(cs, new() { ["Relay:Enabled"] = "false", ["Relay:RetentionDays"] = "7" });
        await host.StartAsync();
        try
        {
            await Eventually.WaitAsync(async () => !await ExistsAsync(cs, old), TimeSpan.FromSeconds(20), "the 10-day-old outbox row pruned");
            Assert.True(await ExistsAsync(cs, recent), "a row inside the retention period is kept");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void With_the_relay_on_the_service_registers_no_pruner_the_relay_prunes()
    {
        using var host = BuildHost("Host=127.0.0.1;Database=unused;Username=postgres", new());
        Assert.Empty(host.Services.GetServices<IHostedService>().OfType<OutboxPruner<RelayOutboxDbContext>>());
    }

    private static IHost BuildHost(string cs, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDbContext<RelayOutboxDbContext>(o => o.UseNpgsql(cs));
        builder.AddOutboxPruning<RelayOutboxDbContext>();
        return builder.Build();
    }

    private static async Task<(Guid Old, Guid Recent)> WriteRowsAsync(string cs)
    {
        await using var db = await RelayOutboxDbContext.CreateAsync(cs);
        var old = db.AddToOutbox("room", "r-1", new RoomHeldIntegrationEvent("r-1", 1) { OccurredAt = DateTimeOffset.UtcNow.AddDays(-10) });
        var recent = db.AddToOutbox("room", "r-1", new RoomHeldIntegrationEvent("r-1", 2) { OccurredAt = DateTimeOffset.UtcNow.AddDays(-6) });
        await db.SaveChangesAsync();
        return (old.Id, recent.Id);
    }

    private static async Task<bool> ExistsAsync(string cs, Guid id)
    {
        await using var db = await RelayOutboxDbContext.CreateAsync(cs);
        return await db.Set<OutboxMessage>().AnyAsync(m => m.Id == id);
    }
}
