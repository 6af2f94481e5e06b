using Confluent.Kafka;
using Hotel.Eventing.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hotel.Cdc;

/// <summary>
/// Runs one <see cref="OutboxRelay"/> per outboxed database, restarting a failed one after a
/// backoff (it resumes from its slot), and a <see cref="SlotMonitor"/> per cluster. One idempotent
/// producer (acks=all) serves them all.
/// </summary>
public sealed class OutboxRelayService(
    IReadOnlyList<string> connectionStrings, KafkaOptions kafka, OutboxRelayOptions options, ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<OutboxRelayService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig("hotel-relay"))
            .SetLogHandler((_, m) => KafkaLogging.Forward(_logger, m))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Warning, "Kafka producer error: {Reason}", e.Reason))
            .Build();
        // Slots are cluster-wide: one monitor per cluster, whichever of its databases it connects to.
        var monitors = connectionStrings.DistinctBy(Cluster)
            .Select(cs => new SlotMonitor(cs, options, loggerFactory.CreateLogger<SlotMonitor>()).RunAsync(stoppingToken));
        await Task.WhenAll(connectionStrings.Select(cs => RunWithRestartsAsync(cs, producer, stoppingToken)).Concat(monitors));
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    private static string Cluster(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}";
    }

    private async Task RunWithRestartsAsync(string connectionString, IProducer<string, string> producer, CancellationToken ct)
    {
        var relay = new OutboxRelay(connectionString, producer, kafka.BootstrapServers, options, loggerFactory.CreateLogger<OutboxRelay>());
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await relay.RunAsync(ct);
                backoff = TimeSpan.FromMilliseconds(500);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _logger.LogError(e, "Relay for slot {Slot} failed; restarting from the slot in {Delay} ms", relay.SlotName, backoff.TotalMilliseconds);
                try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
