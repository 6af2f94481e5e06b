using Hotel.Eventing;
using Hotel.Eventing.Consuming;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hotel.Contract.Tests;

/// <summary>What each service subscribes to, read from its own wiring (built, not started), against the topics the outboxes route to.</summary>
public sealed class SubscriptionContractTests
{
    /// <summary>Aggregate types the services publish (their outbox <c>aggregatetype</c>).</summary>
    private static readonly string[] PublishedAggregateTypes = ["booking", "payment", "email"];

    public static TheoryData<string> Services() => new(Wiring.Keys);

    internal static IEnumerable<string> ServiceNames => Wiring.Keys;

    private static readonly Dictionary<string, (string ConnectionStringName, Action<IHostApplicationBuilder> AddApplicationServices)> Wiring = new()
    {
        ["booking"] = ("Booking", b => Hotel.Booking.Extensions.Extensions.AddApplicationServices(b)),
        ["billing"] = ("Billing", b => Hotel.Billing.Extensions.Extensions.AddApplicationServices(b)),
        ["notifications"] = ("Notifications", b => Hotel.Notifications.Extensions.Extensions.AddApplicationServices(b)),
        ["customer-care"] = ("CustomerCare", b => Hotel.CustomerCare.Extensions.Extensions.AddApplicationServices(b)),
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_subscribed_topic_is_one_an_outbox_routes_to(string service)
    {
        var topics = SubscribedTopics(service);
        Assert.NotEmpty(topics);
        var routed = DebeziumConnector.All().SelectMany(c => PublishedAggregateTypes.Select(c.TopicFor)).ToHashSet();
        Assert.Equal(PublishedAggregateTypes.Select(Topics.ForAggregate).ToHashSet(), routed); // relay and Debezium route alike
        foreach (var topic in topics)
            Assert.Contains(topic, routed);
    }

    private static List<string> SubscribedTopics(string service) => ConsumerOptions(service).SelectMany(o => o.Topics).ToList();

    /// <summary>The options of every consumer host the service registers (built, not started).</summary>
    internal static List<EventConsumerOptions> ConsumerOptions(string service)
    {
        var (connectionStringName, addApplicationServices) = Wiring[service];
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{connectionStringName}"] = "Host=127.0.0.1;Database=unused;Username=postgres",
            ["Kafka:BootstrapServers"] = "127.0.0.1:9", // consumers are registered, never started
            ["PaymentTokens:Key"] = "contract-test-payment-token-key-0123456789", // the builder is Production: not the development key
        });
        addApplicationServices(builder);
        var hostTypes = builder.Services.Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KafkaConsumerHost<>)).Distinct().ToList();
        using var app = builder.Build();
        return hostTypes
            .Select(t => t.GetProperty(nameof(KafkaConsumerHost<Microsoft.EntityFrameworkCore.DbContext>.Options))!.GetValue(app.Services.GetRequiredService(t)))
            .OfType<EventConsumerOptions>()
            .ToList();
    }
}
