using System.Diagnostics.Metrics;
using Hotel.Eventing.Consuming;
using Hotel.Testing;

namespace Hotel.Eventing.Tests;

/// <summary>Two consumer hosts in one group: each reports lag only for the partitions it holds, and a revoked partition stops counting.</summary>
[Collection(ConsumingCollection.Name)]
public sealed class OwnedPartitionLagTests(InfraFixture infra)
{
    [Fact]
    public async Task Each_of_two_consumers_in_a_group_reports_lag_only_for_its_own_partitions_and_drops_those_revoked_when_the_other_joins_or_gets_them_when_it_leaves()
    {
        await using var bed = await ConsumingTestBed.CreateAsync(infra);
        void Fast(EventConsumerOptions o) => o.LagInterval = TimeSpan.FromMilliseconds(50);
        var first = ConsumingTestBed.ConsumerOf(await bed.StartHostAsync(Fast));
        await Eventually.WaitAsync(() => Task.FromResult(first.OwnedPartitions), owned => owned.Count == 4, ConsumingTestBed.Deadline,
            "the first consumer holding all 4 partitions");

        var secondHost = await bed.StartHostAsync(Fast);
        var second = ConsumingTestBed.ConsumerOf(secondHost);
        await Eventually.WaitAsync(() => Task.FromResult((First: first.OwnedPartitions, Second: second.OwnedPartitions)),
            o => o.First.Count > 0 && o.Second.Count > 0 && o.First.Count + o.Second.Count == 4, ConsumingTestBed.Deadline,
            "the partitions shared between the two consumers");
        var firstOwns = first.OwnedPartitions.Select(p => p.Partition).ToHashSet();
        var secondOwns = second.OwnedPartitions.Select(p => p.Partition).ToHashSet();
        Assert.Empty(firstOwns.Intersect(secondOwns)); // what was revoked from the first no longer counts there

        for (var i = 0; i < 8; i++) await bed.ProduceBookedAsync($"hotel-{i}", $"room-{i}");
        for (var i = 0; i < 8; i++) await bed.WaitAppliedAsync($"room-{i}", 1);
        await Eventually.WaitAsync(() => Task.FromResult(first.OwnedPartitions.Concat(second.OwnedPartitions).ToList()),
            owned => owned.Count == 4 && owned.All(p => p.Lag == 0), ConsumingTestBed.Deadline, "every partition measured at lag 0 by its owner");

        // The gauge reports each partition once, by its owner.
        var partitionsReported = new List<int>();
        using (var meters = new MeterListener())
        {
            meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ConsumerTelemetry.Name && instrument.Name == "hotel.consumer.lag") listener.EnableMeasurementEvents(instrument);
            };
            meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                var tagged = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
                if (Equals(tagged["messaging.destination.name"], bed.Topic)) partitionsReported.Add((int)tagged["messaging.destination.partition.id"]!);
            });
            meters.Start();
            meters.RecordObservableInstruments();
        }
        Assert.Equal([0, 1, 2, 3], partitionsReported.Order());

        await secondHost.StopAsync();
        Assert.Empty(second.OwnedPartitions);
        await Eventually.WaitAsync(() => Task.FromResult(first.OwnedPartitions), owned => owned.Count == 4, ConsumingTestBed.Deadline,
            "the first consumer holding all 4 partitions again");
    }
}
