namespace Hotel.Billing.Infrastructure;

using Microsoft.Extensions.Diagnostics.HealthChecks;

/// <summary>Ready only while the billing database answers: without it no request can be served.</summary>
public sealed class BillingDatabaseHealthCheck(BillingDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The billing database does not answer.");
}
