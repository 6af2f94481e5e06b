namespace Hotel.Booking.Infrastructure;

using Microsoft.Extensions.Diagnostics.HealthChecks;

/// <summary>Ready only while the booking database answers: without it no request can be served.</summary>
public sealed class BookingDatabaseHealthCheck(BookingDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The booking database does not answer.");
}
