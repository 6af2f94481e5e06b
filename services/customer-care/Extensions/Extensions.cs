namespace Hotel.CustomerCare.Extensions;

using Hotel.CustomerCare.Actions;
using Hotel.CustomerCare.Auth;
using Hotel.CustomerCare.Infrastructure;
using Hotel.CustomerCare.IntegrationEvents;
using Hotel.CustomerCare.Live;
using Hotel.CustomerCare.Rebuild;
using Hotel.CustomerCare.View;
using Hotel.Eventing.Consuming;
using Hotel.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

public static class Extensions
{
    public const string ConnectionStringName = "CustomerCare";
    public const string ConsumerGroup = "customer-care";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set, e.g. ConnectionStrings__{ConnectionStringName}=\"Host=127.0.0.1;Port=5432;Database=customer_care;Username=postgres\".");

        // appsettings.json names the default address (Urls); ASPNETCORE_URLS must still win over it.
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_");

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<FeedBuffer>();
        services.AddScoped<FeedCommitInterceptor>();
        services.AddHostedService<FeedListener>();
        services.AddDbContext<CustomerCareDbContext>((sp, options) => options
            .UseCustomerCareDatabase(connectionString)
            .AddInterceptors(sp.GetRequiredService<FeedCommitInterceptor>()));
        services.AddHealthChecks().AddDatabaseReadinessCheck<CustomerCareDbContext>("customer-care-db");
        services.AddScoped<ViewUpdater>();
        services.AddScoped<ViewQueries>();

        AddViewConsumer(builder);

        services.AddAgentAuthentication(builder.Configuration, builder.Environment);
        builder.AddDataProtectionKeysIn<CustomerCareDbContext>("Hotel.CustomerCare");
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Login");
        });
        services.AddSignalR();
        services.AddOpenApi();

        services.Configure<ServicesOptions>(builder.Configuration.GetSection("Services"));
        services.AddHttpClient<BookingClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<ServicesOptions>>().Value;
            http.BaseAddress = new Uri(options.Booking);
            http.Timeout = TimeSpan.FromSeconds(10);
            if (!string.IsNullOrEmpty(options.BookingApiKey)) http.DefaultRequestHeaders.Add("X-Api-Key", options.BookingApiKey);
        });
        services.AddHttpClient<NotificationsClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<ServicesOptions>>().Value;
            http.BaseAddress = new Uri(options.Notifications);
            http.Timeout = TimeSpan.FromSeconds(10);
            if (!string.IsNullOrEmpty(options.NotificationsApiKey)) http.DefaultRequestHeaders.Add("X-Api-Key", options.NotificationsApiKey);
        });
        return builder;
    }

    /// <summary>
    /// The view's consumers. Topic names come from <c>CustomerCare:Topics</c>, the group from <c>CustomerCare:ConsumerGroup</c>
    /// (default <c>customer-care</c>; tests give each app its own).
    /// <see cref="ViewConsumer"/> runs the library's consumer host (not started with the app), so that a rebuild
    /// can stop it and start one in a new consumer group.
    /// </summary>
    private static void AddViewConsumer(IHostApplicationBuilder builder)
    {
        var topics = builder.Configuration.GetSection("CustomerCare:Topics");
        builder.AddEventConsumers<CustomerCareDbContext>(builder.Configuration["CustomerCare:ConsumerGroup"] ?? ConsumerGroup, c =>
        {
            c.Subscribe(topics["Bookings"] ?? "booking.events", topics["Payments"] ?? "payment.events", topics["Emails"] ?? "email.events")
                .Add<BookingPlacedIntegrationEvent, BookingPlacedHandler>()
                .Add<BookingCancelledIntegrationEvent, BookingCancelledHandler>()
                .Add<PaymentCapturedIntegrationEvent, PaymentCapturedHandler>()
                .Add<PaymentFailedIntegrationEvent, PaymentFailedHandler>()
                .Add<PaymentHeldIntegrationEvent, PaymentHeldHandler>()
                .Add<RefundIssuedIntegrationEvent, RefundIssuedHandler>()
                .Add<EmailSentIntegrationEvent, EmailSentHandler>();
            c.Options.LagInterval = TimeSpan.FromMilliseconds(250);
            c.Options.RunAsHostedService = false;
        });
        builder.Services.AddSingleton<ViewConsumer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ViewConsumer>());
    }

    /// <summary>Applies pending migrations; safe on every start.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CustomerCareDbContext>().Database.MigrateAsync();
    }
}
