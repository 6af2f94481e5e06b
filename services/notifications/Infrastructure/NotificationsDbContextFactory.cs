namespace Hotel.Notifications.Infrastructure;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Hotel.ServiceDefaults;

/// <summary>For <c>dotnet ef migrations add</c>: builds the model without starting the service or a database.</summary>
public sealed class NotificationsDbContextFactory : IDesignTimeDbContextFactory<NotificationsDbContext>
{
    public NotificationsDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<NotificationsDbContext>();
        options.UseNotificationsDatabase(Environment.GetEnvironmentVariable("ConnectionStrings__Notifications") ?? "Host=127.0.0.1;Database=notifications;Username=postgres");
        return new NotificationsDbContext(options.Options);
    }
}

public static class NotificationsDatabase
{
    /// <summary>The one place the provider and naming convention are chosen, for runtime and design time alike.</summary>
    public static DbContextOptionsBuilder UseNotificationsDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(ServiceDatabase.ConnectionString(connectionString)).UseSnakeCaseNamingConvention()
            .AddInterceptors(RowLockInterceptor.Instance);
}
