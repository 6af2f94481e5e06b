namespace Hotel.CustomerCare.Auth;

using Hotel.ServiceDefaults;

/// <summary>
/// Outside Development customer care answers HTTPS only: its cookies are Secure, and antiforgery throws on a request it
/// sees as plain HTTP. Such a request (not TLS, nor forwarded as https by a proxy listed in <c>ForwardedHeaders</c>)
/// gets a 400 problem naming the setting instead of a 500. Health endpoints stay open to plain HTTP probes.
/// </summary>
public static class HttpsOnly
{
    /// <summary>After <see cref="TrustedProxies.UseTrustedProxies"/> (which sets the scheme) and before authentication.</summary>
    public static WebApplication UseHttpsOutsideDevelopment(this WebApplication app)
    {
        if (app.Environment.IsDevelopment()) return app;
        app.Use((context, next) =>
            context.Request.IsHttps || context.Request.Path.StartsWithSegments("/health")
                ? next(context)
                : AuthSetup.WriteProblemAsync(context, StatusCodes.Status400BadRequest,
                    $"Customer care is served over HTTPS only. Reach it over HTTPS, or list the TLS-terminating proxy in "
                    + $"{TrustedProxies.Section}:KnownProxies (or KnownNetworks) so that its X-Forwarded-Proto is believed."));
        return app;
    }
}
