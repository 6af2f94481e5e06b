namespace Hotel.Billing.Extensions;

using System.Text;
using Hotel.Billing.Apis;
using Hotel.Eventing.Outbox;
using Hotel.ServiceDefaults;
using Hotel.Billing.Consumers;
using Hotel.Billing.Fraud;
using Hotel.Billing.Gateways;
using Hotel.Billing.Infrastructure;
using Hotel.Billing.IntegrationEvents;
using Hotel.Billing.PaymentMethods;
using Hotel.Billing.Payments;
using Hotel.Eventing.Consuming;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

public static class Extensions
{
    public const string ConnectionStringName = "Billing";

    /// <summary>Section <c>Billing</c>: what billing consumes. Tests give each run its own topic and group.</summary>
    public sealed class ConsumingOptions
    {
        public string BookingEventsTopic { get; set; } = "booking.events";
        public string ConsumerGroup { get; set; } = "billing";
    }

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Give the billing database's connection string in configuration " +
                $"or the environment, e.g. ConnectionStrings__{ConnectionStringName}=\"Host=127.0.0.1;Port=5432;Database=billing;Username=postgres\".");
        }

        // appsettings.json names the default address (Urls); ASPNETCORE_URLS must still win over it.
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_");

        builder.Services.AddDbContext<BillingDbContext>(options => options.UseBillingDatabase(connectionString));
        builder.AddOutboxPruning<BillingDbContext>(); // with Relay:Enabled=false (docker-compose) nothing else prunes the outbox
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString)); // the sandbox gateway's own connections
        builder.Services.AddHealthChecks().AddDatabaseReadinessCheck<BillingDbContext>("billing-db");
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<PaymentsOptions>().Bind(builder.Configuration.GetSection(PaymentsOptions.Section));
        builder.Services.AddOptions<PaymentFormOptions>().Bind(builder.Configuration.GetSection(PaymentFormOptions.Section));
        builder.Services.AddOptions<FraudOptions>().Bind(builder.Configuration.GetSection(FraudOptions.Section));
        PaymentTokenOptions.ValidateAtStartup(builder.Configuration);
        builder.Services.AddOptions<PaymentTokenOptions>().Bind(builder.Configuration.GetSection(PaymentTokenOptions.Section));
        builder.Services.AddSingleton<PaymentTokens>();
        builder.Services.AddSingleton(sp =>
        {
            var key = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.FingerprintKey;
            return new CardFingerprinter(Encoding.UTF8.GetBytes(key));
        });
        builder.Services.AddSingleton<GatewayResilience>();
        builder.Services.AddScoped<FraudScreening>();
        builder.Services.AddScoped<PaymentProcessor>();
        builder.Services.AddHostedService<PendingPaymentRetrier>();
        builder.Services.AddSingleton<ChargeReconciler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChargeReconciler>());

        // The sandbox processor always exists: it is where POST /api/payment-methods tokenises test cards.
        builder.Services.AddSingleton<SandboxGateway>();
        builder.Services.AddSingleton<ICardRegistrar, SandboxCardRegistrar>();
        var gateway = builder.Configuration[$"{PaymentsOptions.Section}:Gateway"] ?? "Sandbox";
        if (gateway.Equals("Stripe", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddHttpClient(nameof(StripeGateway), c => c.Timeout = TimeSpan.FromSeconds(30));
            builder.Services.AddSingleton<IPaymentGateway>(sp => new StripeGateway(
                sp.GetRequiredService<IOptions<PaymentsOptions>>(),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StripeGateway))));
        }
        else if (gateway.Equals("Sandbox", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SandboxGateway>());
        }
        else
        {
            throw new InvalidOperationException($"Payments:Gateway is '{gateway}': use Sandbox or Stripe.");
        }

        var consuming = builder.Configuration.GetSection("Billing").Get<ConsumingOptions>() ?? new ConsumingOptions();
        builder.AddEventConsumers<BillingDbContext>(consuming.ConsumerGroup, consumers => consumers
            .Subscribe(consuming.BookingEventsTopic)
            .Add<BookingPlacedIntegrationEvent, BookingPlacedHandler>()
            .Add<BookingCancelledIntegrationEvent, BookingCancelledHandler>());

        // Request logging without bodies; CardSafeHttpLogging keeps card bodies out even if that changes.
        builder.Services.AddHttpLogging(o => o.LoggingFields =
            HttpLoggingFields.RequestPropertiesAndHeaders | HttpLoggingFields.ResponsePropertiesAndHeaders | HttpLoggingFields.Duration);
        builder.Services.AddHttpLoggingInterceptor<CardSafeHttpLogging>();

        builder.AddBillingRateLimits();
        builder.Services.AddOpenApi();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>Applies pending migrations; safe to run on every start.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BillingDbContext>();
        await db.Database.MigrateAsync();
    }
}
