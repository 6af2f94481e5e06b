using System.Collections.Concurrent;
using System.Security.Cryptography;
using Confluent.Kafka;
using Hotel.Eventing.Kafka;
using Hotel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotel.Eventing.Tests;

[Collection(ConsumingCollection.Name)]
public sealed class ConsumingDataLossTests(InfraFixture infra)
{
    [Fact]
    public async Task Committed_offset_below_the_low_watermark_is_logged_as_an_error_naming_the_lost_range()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra, partitions: 1);
        // The group read and committed up to offset 1 …
        await bed.ProduceBookedAsync("hotel-1", "room-1");
        var config = new KafkaOptions { BootstrapServers = infra.BootstrapServers }.ConsumerConfig(bed.GroupId, "test-committer");
        using (var committer = new ConsumerBuilder<string?, string?>(config).Build())
            committer.Commit([new TopicPartitionOffset(bed.Topic, 0, 1)]);
        // … then more than the mock keeps per partition (5 MiB) arrived, incompressible, so the oldest segments were dropped.
        var producer = new ProducerBuilder<string?, string?>(new KafkaOptions { BootstrapServers = infra.BootstrapServers }.ProducerConfig("filler")).Build();
        using (producer)
        {
            for (var i = 0; i < 80; i++)
                producer.Produce(bed.Topic, new Message<string?, string?> { Key = "filler", Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(96 * 1024)) });
            producer.Flush(TimeSpan.FromSeconds(20));
        }

        var errors = new ConcurrentQueue<string>();
        await bed.StartHostAsync(configure: b => b.Logging.AddProvider(new CapturingLoggerProvider(errors)));

        var logged = await Eventually.WaitAsync(() => Task.FromResult(errors.ToArray()),
            e => e.Any(m => m.Contains("DATA LOST")), ConsumingTestBed.Deadline, "a data-loss error");
        var line = logged.First(m => m.Contains("DATA LOST"));
        Assert.Contains(bed.Topic, line);
        Assert.Contains("[0]", line);
        Assert.Contains("committed offset 1 ", line);
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> errors) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(errors);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> errors) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error) errors.Enqueue(formatter(state, exception));
            }
        }
    }
}
