using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wolverine;
using Wolverine.EntityFrameworkCore;
using Wolverine.Kafka;
using Wolverine.Postgresql;

namespace Hotel.Bench.Peer.WolverineSide;

/// <summary>
/// The peer: the same flow built with Wolverine the way its documentation recommends — EF Core outbox
/// on PostgreSQL (<c>IDbContextOutbox&lt;T&gt;</c>), the Kafka transport, a durable inbox and transactional
/// middleware on the consumer. Defaults otherwise, except what the embedded broker needs: topics are
/// created by the coordinator (no <c>AutoProvision()</c>), KIP-848 groups, and our side's fetch.wait.max.ms
/// (<see cref="Hotel.Eventing.Kafka.KafkaOptions.FetchWaitMaxMs"/>), the same consumer setting (the mock holds an empty fetch for all of it).
/// </summary>
public static class PeerRoles
{
    public const string Schema = "wolverine";

    public static async Task WriterAsync(ChildArgs args, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ToStandardError();
        builder.UseWolverine(opts =>
        {
            Common(opts, args, "bench-peer-writer");
            // The writer handles nothing: no handler scan, so the consumer's handler does not make the event local.
            opts.Discovery.DisableConventionalDiscovery();
            var publishing = opts.PublishMessage<PeerBookingPlaced>().ToKafkaTopic(args.Topic).UseDurableOutbox();
            // The latency-tuned variant: flush the outgoing batch after 2 ms instead of the default 250 ms.
            if (args.Tuned) publishing.MessageBatchTimeout(TimeSpan.FromMilliseconds(2));
            opts.Services.AddDbContextWithWolverineIntegration<PeerWriterDb>(o => o.UseNpgsql(args.ConnectionString));
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            await ChildProtocol.ServeWriterAsync(async (step, c) =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<PeerWriterDb>>();
                var booking = new BenchBooking { Id = Guid.CreateVersion7(), Step = step, CreatedAt = DateTimeOffset.UtcNow };
                outbox.DbContext.Add(booking);
                await outbox.PublishAsync(new PeerBookingPlaced(booking.Id, step));
                await outbox.SaveChangesAndFlushMessagesAsync(c);
            }, ct);
        }
        finally { await host.StopAsync(CancellationToken.None); }
    }

    public static async Task ConsumerAsync(ChildArgs args, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ToStandardError();
        builder.UseWolverine(opts =>
        {
            Common(opts, args, "bench-peer-consumer");
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(PeerBookingPlacedHandler));
            opts.Policies.AutoApplyTransactions();
            opts.ListenToKafkaTopic(args.Topic).UseDurableInbox();
            opts.Services.AddDbContextWithWolverineIntegration<PeerConsumerDb>(o => o.UseNpgsql(args.ConnectionString));
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        try { await ChildProtocol.ServeUntilStdinEndsAsync(ct); }
        finally { await host.StopAsync(CancellationToken.None); }
    }

    private static void Common(WolverineOptions opts, ChildArgs args, string serviceName)
    {
        opts.ServiceName = serviceName + (args.Tuned ? "-tuned" : "");
        opts.ApplicationAssembly = typeof(PeerRoles).Assembly;
        opts.Durability.Mode = DurabilityMode.Solo;
        opts.PersistMessagesWithPostgresql(args.ConnectionString, Schema);
        opts.UseEntityFrameworkCoreTransactions();
        opts.UseKafka(args.BootstrapServers)
            .UseNextGenerationRebalanceProtocol()
            .ConfigureConsumers(c =>
            {
                c.GroupId = opts.ServiceName;
                c.FetchWaitMaxMs = new Hotel.Eventing.Kafka.KafkaOptions().FetchWaitMaxMs;
            });
    }
}
