namespace Hotel.Notifications.Extensions;

using Hotel.Eventing.Consuming;
using Hotel.Eventing.Outbox;
using Hotel.Notifications.Bookings;
using Hotel.Notifications.Infrastructure;
using Hotel.Notifications.IntegrationEvents;
using Hotel.Notifications.Mail;
using Hotel.Notifications.Sending;
using Hotel.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

public static class Extensions
{
    public const string ConnectionStringName = "Notifications";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Give the notifications database's connection string in configuration " +
                $"or the environment, e.g. ConnectionStrings__{ConnectionStringName}=\"Host=127.0.0.1;Port=5432;Database=notifications;Username=postgres\".");
        }

        // appsettings.json names the default address (Urls); ASPNETCORE_URLS must still win over it.
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_");

        builder.Services.AddOptions<NotificationsOptions>().Bind(builder.Configuration.GetSection(NotificationsOptions.Section));
        builder.Services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection(SmtpOptions.Section));

        builder.Services.AddSingleton<MailSignal>();
        builder.Services.AddSingleton<MailSignalInterceptor>();
        builder.Services.AddDbContext<NotificationsDbContext>((sp, options) => options
            .UseNotificationsDatabase(connectionString)
            .AddInterceptors(sp.GetRequiredService<MailSignalInterceptor>()));
        builder.AddOutboxPruning<NotificationsDbContext>(); // with Relay:Enabled=false (docker-compose) nothing else prunes the outbox
        builder.Services.AddHealthChecks().AddDatabaseReadinessCheck<NotificationsDbContext>("notifications-db");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MailTemplates>();
        builder.Services.AddSingleton<ReceiptPdf>();
        builder.Services.AddScoped<MailComposer>();
        builder.Services.AddScoped<MailLedger>();
        builder.Services.AddHostedService<MailSender>();

        var group = builder.Configuration[$"{NotificationsOptions.Section}:{nameof(NotificationsOptions.ConsumerGroup)}"] is { Length: > 0 } g ? g : "notifications";
        builder.AddEventConsumers<NotificationsDbContext>(group, consumers => consumers
            .Subscribe("booking.events", "payment.events")
            .Add<BookingPlacedIntegrationEvent, BookingPlacedHandler>()
            .Add<BookingCancelledIntegrationEvent, BookingCancelledHandler>()
            .Add<PaymentCapturedIntegrationEvent, PaymentCapturedHandler>()
            .Add<PaymentFailedIntegrationEvent, PaymentFailedHandler>()
            .Add<PaymentHeldIntegrationEvent, PaymentHeldHandler>()
            .Add<RefundIssuedIntegrationEvent, RefundIssuedHandler>());

        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>Applies pending migrations; safe on every start.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        await db.Database.MigrateAsync();
    }
}
