namespace Hotel.Booking.Tests;

using System.Net;
using Hotel.Booking.Infrastructure;
using Hotel.Eventing.Consuming;
using Hotel.Testing;
using Microsoft.Extensions.DependencyInjection;

[Collection(BookingCollection.Name)]
public sealed class ReadinessTests(InfraFixture infra)
{
    [Fact]
    public async Task A_service_whose_consumer_stopped_is_not_ready_though_its_api_still_answers()
    {
        await using var app = await BookingApp.StartAsync(infra, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = infra.BootstrapServers,
            ["Booking:PaymentEventsTopic"] = infra.NewTopic("payment-events"),
            ["Booking:ConsumerGroup"] = "booking-" + Guid.NewGuid().ToString("N")[..8],
        });
        await Eventually.WaitAsync(async () => (await app.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the service to be ready with its consumer running");

        await app.Services.GetRequiredService<KafkaConsumerHost<BookingDbContext>>().StopAsync(CancellationToken.None);

        using var ready = await app.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var live = await app.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode); // alive: a restart is the supervisor's call, not a liveness failure
        using var api = await app.Client.GetAsync("/api/hotels");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }
}
