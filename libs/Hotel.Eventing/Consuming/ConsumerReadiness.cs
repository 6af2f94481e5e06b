using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hotel.Eventing.Consuming;

/// <summary>
/// Whether this service's consumer hosts run: each says when it starts and when it stops (stopped, or failed and why),
/// and forgets itself when disposed (a view rebuild replaces its host). One per service (a DI singleton), so two services
/// in one test process do not see each other's.
/// </summary>
public sealed class ConsumerHostStates
{
    private readonly ConcurrentDictionary<object, (string Group, string? Stopped)> _hosts = new();

    internal void Running(object host, string group) => _hosts[host] = (group, null);

    internal void Stopped(object host, string group, string why) => _hosts[host] = (group, why);

    internal void Forget(object host) => _hosts.TryRemove(host, out _);

    public IReadOnlyList<(string Group, string? Stopped)> Hosts => [.. _hosts.Values];
}

/// <summary>
/// Part of readiness: a service whose consumer host stopped (an unexpected error, or stopped while the service runs)
/// no longer applies events, so it is not ready, whatever its HTTP endpoints say.
/// </summary>
public sealed class ConsumerHealthCheck(ConsumerHostStates states) : IHealthCheck
{
    public const string Name = "consumers";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var hosts = states.Hosts;
        var stopped = hosts.Where(h => h.Stopped is not null).ToList();
        var data = hosts.ToDictionary(h => h.Group, h => (object)(h.Stopped ?? "running"));
        return Task.FromResult(stopped.Count == 0
            ? HealthCheckResult.Healthy($"{hosts.Count} consumer group(s) running", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", stopped.Select(h => $"consumer group {h.Group} {h.Stopped}")), data: data));
    }
}
