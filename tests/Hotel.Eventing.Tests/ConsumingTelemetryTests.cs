using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hotel.Eventing.Consuming;
using Hotel.Eventing.Kafka;
using Hotel.Testing;

namespace Hotel.Eventing.Tests;

[Collection(ConsumingCollection.Name)]
public sealed class ConsumingTelemetryTests(InfraFixture infra)
{
    [Fact]
    public async Task Consumer_span_continues_the_traceparent_and_metrics_report_processing_latency_and_lag()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConsumerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (Equals(a.GetTagItem("messaging.destination.name"), bed.Topic)) spans.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(activities);

        var measurements = new ConcurrentQueue<(string Instrument, double Value)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ConsumerTelemetry.Name && instrument.Name.StartsWith("hotel.consumer.", StringComparison.Ordinal))
                listener.EnableMeasurementEvents(instrument);
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? _)
        {
            foreach (var tag in tags)
                if (tag.Key == "messaging.destination.name" && Equals(tag.Value, bed.Topic))
                    measurements.Enqueue((instrument.Name, Convert.ToDouble(value)));
        }
        meters.SetMeasurementEventCallback<long>(Record);
        meters.SetMeasurementEventCallback<double>(Record);
        meters.Start();

        await bed.StartHostAsync(o => o.LagInterval = TimeSpan.FromMilliseconds(50));
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        await bed.ProduceRawAsync("hotel-3", "RoomBooked", ConsumingTestBed.Payload("room-3"), Guid.CreateVersion7().ToString(),
            [(EventHeaders.TraceParent, $"00-{traceId}-00f067aa0ba902b7-01")]);
        await bed.WaitAppliedAsync("room-3", 1);

        var span = await Eventually.WaitAsync(() => Task.FromResult(spans.ToArray()), s => s.Length > 0, ConsumingTestBed.Deadline, "a consumer span");
        Assert.Equal(ActivityKind.Consumer, span[0].Kind);
        Assert.Equal(traceId, span[0].TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", span[0].ParentSpanId.ToHexString());

        await Eventually.WaitAsync(() =>
        {
            meters.RecordObservableInstruments();
            var names = measurements.Select(m => m.Instrument).ToHashSet();
            return Task.FromResult(names.Contains("hotel.consumer.events_processed")
                && names.Contains("hotel.consumer.end_to_end_latency")
                && names.Contains("hotel.consumer.lag"));
        }, ConsumingTestBed.Deadline, "processed, latency and lag measurements");
        Assert.Equal(1, measurements.Where(m => m.Instrument == "hotel.consumer.events_processed").Sum(m => m.Value));
        Assert.All(measurements.Where(m => m.Instrument == "hotel.consumer.end_to_end_latency"), m => Assert.InRange(m.Value, 0, 20_000));
        var partition = await Eventually.WaitAsync(
            () => Task.FromResult(Enumerable.Range(0, 4).Select(p => ConsumerTelemetry.LagOf(bed.GroupId, bed.Topic, p)).ToArray()),
            lags => lags.Any(l => l == 0), ConsumingTestBed.Deadline, "a caught-up partition's lag of 0");
        Assert.All(partition.Where(l => l is not null), l => Assert.Equal(0, l));
    }
}
