namespace Hotel.Booking.Extensions;

using Hotel.Booking.Apis;
using Hotel.Eventing.Outbox;
using Hotel.ServiceDefaults;
using Hotel.Booking.Bookings;
using Hotel.Booking.Emails;
using Hotel.Booking.Infrastructure;
using Hotel.Booking.IntegrationEvents;
using Hotel.Booking.Inventory;
using Hotel.Booking.Payments;
using Hotel.Booking.Website;
using Hotel.Eventing.Consuming;
using Microsoft.EntityFrameworkCore;

public static class Extensions
{
    public const string ConnectionStringName = "Booking";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Give the booking database's connection string in configuration " +
                $"or the environment, e.g. ConnectionStrings__{ConnectionStringName}=\"Host=127.0.0.1;Port=5432;Database=booking;Username=postgres\".");
        }

        // appsettings.json names the default address (Urls); ASPNETCORE_URLS must still win over it.
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_");

        builder.Services.AddDbContext<BookingDbContext>(options => options.UseBookingDatabase(connectionString));
        builder.AddOutboxPruning<BookingDbContext>(); // with Relay:Enabled=false (docker-compose) nothing else prunes the outbox
        builder.Services.AddHealthChecks().AddDatabaseReadinessCheck<BookingDbContext>("booking-db");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<RoomInventory>();
        builder.Services.AddScoped<BookingService>();
        PaymentTokenOptions.ValidateAtStartup(builder.Configuration);
        builder.Services.AddOptions<PaymentTokenOptions>().Bind(builder.Configuration.GetSection(PaymentTokenOptions.Section));
        builder.Services.AddSingleton<PaymentTokens>();

        // Payments: billing's outcome events mark bookings Paid / PaymentFailed / held; unpaid ones are cancelled after a grace period.
        // E-mails: notifications' EmailSent marks the confirmation sent. Both drive the guest website's live status.
        // Without Kafka:BootstrapServers (the booking tests, an API-only run) neither the consumer nor the sweep runs.
        builder.Services.AddOptions<UnpaidBookingOptions>().Bind(builder.Configuration.GetSection(UnpaidBookingOptions.Section));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]))
        {
            // Only where payment events arrive: without them every booking would look unpaid.
            builder.Services.AddHostedService<UnpaidBookingCanceller>();
            builder.AddEventConsumers<BookingDbContext>(builder.Configuration["Booking:ConsumerGroup"] ?? "booking", consumers => consumers
                .Subscribe(builder.Configuration["Booking:PaymentEventsTopic"] ?? "payment.events")
                .Subscribe(builder.Configuration["Booking:EmailEventsTopic"] ?? "email.events")
                .Add<PaymentCapturedIntegrationEvent, PaymentCapturedHandler>()
                .Add<PaymentFailedIntegrationEvent, PaymentFailedHandler>()
                .Add<PaymentHeldIntegrationEvent, PaymentHeldHandler>()
                .Add<PaymentPendingIntegrationEvent, PaymentPendingHandler>()
                .Add<EmailSentIntegrationEvent, EmailSentHandler>());
        }

        builder.AddGuestWebsite();

        builder.Services.AddOpenApi();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw, so BadRequestExceptionHandler can answer them with problem details.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>Applies pending migrations, then seeds the chain; both are safe to run on every start.</summary>
    public static async Task MigrateAndSeedDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        await db.Database.MigrateAsync();
        await BookingDbSeed.SeedAsync(db);
    }
}
