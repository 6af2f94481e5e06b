using System.Runtime.CompilerServices;
using Hotel.Eventing.Kafka;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

[assembly: InternalsVisibleTo("Hotel.Eventing.Tests")]

namespace Hotel.Eventing.Consuming;

public static class EventConsumerExtensions
{
    /// <summary>
    /// Consumes Kafka events into <typeparamref name="TDbContext"/>: one consumer group, the topics
    /// and handlers listed in <paramref name="configure"/>, exactly-once effects through the inbox table.
    /// Kafka settings come from the <c>Kafka</c> section (<see cref="KafkaOptions"/>).
    /// </summary>
    /// <example><code>
    /// builder.AddEventConsumers&lt;BookingDbContext&gt;(groupId: "booking", consumers => consumers
    ///     .Subscribe("payment.events")
    ///     .Add&lt;PaymentFailedIntegrationEvent, PaymentFailedHandler&gt;());
    /// </code></example>
    /// <remarks>Registers MassTransit's Mediator with the handlers; call it once per service (MassTransit allows one mediator).</remarks>
    public static IHostApplicationBuilder AddEventConsumers<TDbContext>(
        this IHostApplicationBuilder builder, string groupId, Action<EventConsumersBuilder> configure)
        where TDbContext : DbContext
    {
        builder.Services.AddEventConsumers<TDbContext>(builder.Configuration, groupId, configure);
        return builder;
    }

    /// <inheritdoc cref="AddEventConsumers{TDbContext}(IHostApplicationBuilder, string, Action{EventConsumersBuilder})"/>
    public static IServiceCollection AddEventConsumers<TDbContext>(
        this IServiceCollection services, IConfiguration configuration, string groupId, Action<EventConsumersBuilder> configure)
        where TDbContext : DbContext
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        if (services.Any(d => d.ServiceType == typeof(EventConsumersMarker)))
            throw new InvalidOperationException("AddEventConsumers was already called: list every topic and handler in one call.");
        services.AddSingleton<EventConsumersMarker>();

        var options = new EventConsumerOptions { GroupId = groupId };
        var consumers = new EventConsumersBuilder(options);
        configure(consumers);
        if (options.Topics.Count == 0)
            throw new InvalidOperationException($"Consumer group '{groupId}' subscribes to no topic: call Subscribe(...).");

        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.Section));
        services.AddMediator(cfg =>
        {
            foreach (var consumerType in consumers.ConsumerTypes)
                cfg.AddConsumer(consumerType);
        });
        services.AddSingleton<ConsumerHostStates>();
        services.AddHealthChecks().AddCheck<ConsumerHealthCheck>(ConsumerHealthCheck.Name); // in /health/ready
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<KafkaConsumerHost<TDbContext>>(sp, options));
        if (options.RunAsHostedService)
            services.AddHostedService(sp => sp.GetRequiredService<KafkaConsumerHost<TDbContext>>());
        return services;
    }

    private sealed class EventConsumersMarker;
}
