using Hotel.Cdc;
using Hotel.Eventing.Consuming;
using Hotel.Eventing.Kafka;
using Hotel.Eventing.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hotel.Bench.Peer.OursSide;

/// <summary>Our side of the minimal flow: writer (EF Core + outbox), the built-in relay (WAL → Kafka), the consumer host.</summary>
public static class OursRoles
{
    public const string AggregateType = "benchbooking";

    /// <summary>One booking row and its outbox row per transaction, a DI scope and DbContext each, as a service request would.</summary>
    public static async Task WriterAsync(ChildArgs args, CancellationToken ct)
    {
        var services = new ServiceCollection()
            .AddLogging(l => l.ToStandardError())
            .AddDbContext<OursWriterDb>(o => o.UseNpgsql(args.ConnectionString))
            .BuildServiceProvider();
        await using var _ = services;
        await ChildProtocol.ServeWriterAsync(async (step, c) =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OursWriterDb>();
            var booking = new BenchBooking { Id = Guid.CreateVersion7(), Step = step, CreatedAt = DateTimeOffset.UtcNow };
            db.Add(booking);
            db.AddToOutbox(AggregateType, booking.Id.ToString(), new BenchBookingPlacedIntegrationEvent(booking.Id, step));
            await db.SaveChangesAsync(c);
        }, ct);
    }

    /// <summary>The relay exactly as <c>./hotel run</c> hosts it (LocalStack), for the writer's database only.</summary>
    public static async Task RelayAsync(ChildArgs args, CancellationToken ct)
    {
        using var loggers = LoggerFactory.Create(l => l.ToStandardError());
        using var relay = new OutboxRelayService([args.ConnectionString], new KafkaOptions { BootstrapServers = args.BootstrapServers }, new OutboxRelayOptions(), loggers);
        await relay.StartAsync(ct);
        try { await ChildProtocol.ServeUntilStdinEndsAsync(ct); }
        finally { await relay.StopAsync(CancellationToken.None); }
    }

    /// <summary>Hotel.Eventing's consumer host with its defaults, as a service registers it.</summary>
    public static async Task ConsumerAsync(ChildArgs args, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = args.BootstrapServers });
        builder.Logging.ToStandardError();
        builder.Services.AddDbContext<OursConsumerDb>(o => o.UseNpgsql(args.ConnectionString));
        builder.AddEventConsumers<OursConsumerDb>("bench-ours", consumers => consumers
            .Subscribe(args.Topic)
            .Add<BenchBookingPlacedIntegrationEvent, BookingRecorder>());
        using var host = builder.Build();
        await host.StartAsync(ct);
        try { await ChildProtocol.ServeUntilStdinEndsAsync(ct); }
        finally { await host.StopAsync(CancellationToken.None); }
    }
}
