using Hotel.Eventing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hotel.ServiceDefaults;

public static class DatabaseReadiness
{
    /// <summary>Past this the database counts as away: a probe must answer before its caller's own timeout.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Part of <c>/health/ready</c> (not <c>/health/live</c>): Unhealthy while the service's database does not answer
    /// <c>SELECT 1</c> within <see cref="Timeout"/>. It runs only when probed. Not EF's <c>AddDbContextCheck</c>: its
    /// <c>CanConnectAsync</c> opens an unpooled connection, a new PostgreSQL backend for every probe, and has no timeout.
    /// </summary>
    public static IHealthChecksBuilder AddDatabaseReadinessCheck<TContext>(this IHealthChecksBuilder builder, string name)
        where TContext : DbContext =>
        builder.Add(new HealthCheckRegistration(name, sp => new DatabaseReadinessCheck<TContext>(sp.GetRequiredService<TContext>()),
            HealthStatus.Unhealthy, ["ready"], Timeout));
}

internal sealed class DatabaseReadinessCheck<TContext>(TContext db) : IHealthCheck where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (TransientFailures.IsTransient(e))
        {
            // Expected while the database restarts: a status, not an error with a stack trace at every probe.
            return new HealthCheckResult(context.Registration.FailureStatus, $"The database does not answer: {e.GetBaseException().Message}");
        }
    }
}
