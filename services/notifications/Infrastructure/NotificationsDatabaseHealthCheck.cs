namespace Hotel.Notifications.Infrastructure;

using Microsoft.Extensions.Diagnostics.HealthChecks;

/// <summary>Ready only while the notifications database answers.</summary>
public sealed class NotificationsDatabaseHealthCheck(NotificationsDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The notifications database does not answer.");
}
