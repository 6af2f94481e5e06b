namespace Hotel.Notifications.Infrastructure;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

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
        options.UseNpgsql(WithoutPoolReset(connectionString)).UseSnakeCaseNamingConvention();

    // Npgsql resets a pooled connection with DISCARD ALL before its next use: a statement and a transaction of its
    // own, on every scope (every event applied, every look of a sender worker). This service leaves no session
    // state behind (no SET, temporary tables, LISTEN or session locks), so there is nothing to reset.
    private static string WithoutPoolReset(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
}
