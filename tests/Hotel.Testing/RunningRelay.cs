using Hotel.Cdc;
using Hotel.Eventing.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hotel.Testing;

/// <summary>The built-in CDC relay in-process, as <c>./hotel run</c> hosts it, for one database.</summary>
public sealed class RunningRelay : IAsyncDisposable
{
    private readonly OutboxRelayService _service;

    private RunningRelay(OutboxRelayService service) => _service = service;

    public static async Task<RunningRelay> StartAsync(string connectionString, string bootstrapServers, ILoggerFactory? loggers = null, OutboxRelayOptions? options = null)
    {
        var service = new OutboxRelayService([connectionString], new KafkaOptions { BootstrapServers = bootstrapServers },
            options ?? new OutboxRelayOptions(), loggers ?? NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        return new RunningRelay(service);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
    }
}
