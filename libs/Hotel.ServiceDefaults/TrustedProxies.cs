namespace Hotel.ServiceDefaults;

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

/// <summary>
/// Section <c>ForwardedHeaders</c>: <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> are believed only from the
/// proxies listed in <c>KnownProxies</c> (addresses) and <c>KnownNetworks</c> (CIDR, e.g. <c>10.0.0.0/8</c>); none by
/// default (ASP.NET Core's defaults trust loopback), so a client cannot pick the address it is rate-limited under.
/// <c>ForwardLimit</c> (default 1): how many proxy hops to unwind.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "ForwardedHeaders";

    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        var forwardLimit = section.GetValue<int?>("ForwardLimit") ?? 1;
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = forwardLimit;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"{Section}:KnownProxies holds '{proxy}', which is not an IP address."));
            foreach (var network in networks)
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"{Section}:KnownNetworks holds '{network}', which is not a CIDR network (e.g. 10.0.0.0/8)."));
        });
        return builder;
    }

    /// <summary>
    /// Before anything that reads the client's address or scheme (rate limits, links). With no proxy configured the
    /// middleware is left out: given empty lists, ASP.NET Core's would believe the headers from every sender.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0) app.UseForwardedHeaders();
        return app;
    }
}
