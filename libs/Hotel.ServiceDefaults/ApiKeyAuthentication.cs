using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotel.ServiceDefaults;

/// <summary>
/// Section <c>ApiKeys</c>: one key per calling service or person, by name, e.g.
/// <c>ApiKeys:CustomerCare</c>, <c>ApiKeys:Operator</c>. Empty entries let nobody in.
/// </summary>
public sealed class ApiKeysOptions
{
    public const string Section = "ApiKeys";

    public Dictionary<string, string> Callers { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Authenticates a caller of a service API by its key, sent as <c>X-Api-Key: &lt;key&gt;</c> or
/// <c>Authorization: Bearer &lt;key&gt;</c>; the principal's name is the caller's name from <see cref="ApiKeysOptions"/>.
/// Keys are compared as SHA-256 digests in constant time, so neither content nor length leaks through timing.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, IOptionsMonitor<ApiKeysOptions> keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        var given = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : Request.Headers[HeaderName].ToString().Trim();
        if (given.Length == 0) return Task.FromResult(AuthenticateResult.NoResult());

        var givenDigest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        string? caller = null;
        foreach (var (name, key) in keys.CurrentValue.Callers)
            if (!string.IsNullOrWhiteSpace(key) && CryptographicOperations.FixedTimeEquals(givenDigest, SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()))))
                caller = name; // no early exit: the time taken does not depend on which key matched
        return Task.FromResult(caller is null
            ? AuthenticateResult.Fail("Unknown API key.")
            : AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, caller)], SchemeName)), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            $"This API answers known callers only: send your API key as {HeaderName} or Authorization: Bearer.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "Your API key does not allow this.");

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}

public static class ApiKeyAuthentication
{
    public const string Policy = "api-caller";

    /// <summary>The <c>ApiKey</c> scheme (the default) and the <see cref="Policy"/> that endpoints for service callers require.</summary>
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ApiKeysOptions.Section);
        builder.Services.Configure<ApiKeysOptions>(o =>
        {
            foreach (var caller in section.GetChildren())
                if (caller.Value is { } key) o.Callers[caller.Key] = key;
        });
        // A key rotated in configuration applies without a restart.
        builder.Services.AddSingleton<IOptionsChangeTokenSource<ApiKeysOptions>>(new ConfigurationChangeTokenSource<ApiKeysOptions>(section));
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>
    /// Only callers with a key from <c>ApiKeys</c>; checked by the authorization middleware, before the
    /// endpoint binds anything or touches the database.
    /// </summary>
    public static TBuilder RequireApiCaller<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.RequireAuthorization(Policy);
}
