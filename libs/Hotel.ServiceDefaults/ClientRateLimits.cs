namespace Hotel.ServiceDefaults;

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

/// <summary>A fixed window: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}

/// <summary>
/// Rate-limit partitions per client — the remote address, which is the client's own only behind a proxy listed in
/// <c>ForwardedHeaders</c> (<see cref="TrustedProxies"/>) — and the 429 problem answer with <c>Retry-After</c>.
/// </summary>
public static class ClientRateLimits
{
    /// <summary>What a request is counted under: its remote address (IPv4-mapped IPv6 as IPv4), or "unknown" (in-process test servers).</summary>
    public static string ClientOf(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "unknown";

    public static RateLimitPartition<string> FixedWindow(HttpContext context, WindowLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientOf(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit.PermitLimit),
            Window = limit.Window > TimeSpan.Zero ? limit.Window : TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>At most <paramref name="permits"/> requests of a client in progress at once (long-lived streams).</summary>
    public static RateLimitPartition<string> Concurrent(HttpContext context, int permits) =>
        RateLimitPartition.GetConcurrencyLimiter(ClientOf(context), _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            QueueLimit = 0,
        });

    /// <summary>Sets 429 and <c>Retry-After</c> (whole seconds, at least 1) and returns the seconds.</summary>
    /// <param name="fallback">For limiters that cannot tell (a concurrency limit frees up when a stream ends).</param>
    public static int Reject(OnRejectedContext rejected, TimeSpan fallback)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : fallback;
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        var response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    public static async ValueTask WriteProblemAsync(HttpContext context, string detail) =>
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = detail,
            },
        });
}
