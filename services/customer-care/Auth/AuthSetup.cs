namespace Hotel.CustomerCare.Auth;

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

/// <summary>HTTP Basic for scripts and the CLI (<c>./hotel rebuild-view</c>): the same agents and roles as the sign-in page.</summary>
public sealed class BasicAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, AgentSignIn signIn) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    private SignInOutcome? _lockout;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, SchemeName, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)); }
        catch (FormatException) { return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials.")); }
        var colon = decoded.IndexOf(':');
        var outcome = colon < 0 ? new SignInOutcome(null, null) : signIn.Attempt(decoded[..colon], decoded[(colon + 1)..], Context);
        if (outcome.LockedOut)
        {
            _lockout = outcome; // answered as 429 by the challenge
            return Task.FromResult(AuthenticateResult.Fail("Too many failed sign-ins."));
        }
        return Task.FromResult(outcome.Account is null
            ? AuthenticateResult.Fail("Unknown agent or wrong password.")
            : AuthenticateResult.Success(new AuthenticationTicket(AgentDirectory.Principal(outcome.Account, SchemeName), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_lockout is null)
            return AuthSetup.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, "Sign in as an agent (HTTP Basic or the sign-in page).");
        Response.Headers.RetryAfter = _lockout.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return AuthSetup.WriteProblemAsync(Context, StatusCodes.Status429TooManyRequests,
            $"Too many failed sign-ins for this account or from this address; try again in {_lockout.RetryAfterSeconds} s.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthSetup.WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "Your role does not allow this.");
}

public static class AuthSetup
{
    private const string Smart = "cookie-or-basic";

    /// <summary>When the cookie was last checked against the agent directory (an item of the authentication properties).</summary>
    private const string ValidatedAt = "validated-at";

    public static IServiceCollection AddAgentAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var agents = configuration.GetSection("Agents");
        services.Configure<AgentsOptions>(o => agents.Bind(o.Accounts));
        // A removed, demoted or re-passworded agent takes effect without a restart (and ends that agent's cookies).
        services.AddSingleton<IOptionsChangeTokenSource<AgentsOptions>>(new ConfigurationChangeTokenSource<AgentsOptions>(agents));
        services.AddOptions<SignInOptions>().Bind(configuration.GetSection(SignInOptions.Section));
        services.AddSingleton<AgentDirectory>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<AgentSignIn>();
        // Outside Development both cookies go over HTTPS only. Antiforgery refuses to issue an "Always" cookie on a request
        // it sees as HTTP, so behind a TLS-terminating proxy the proxy must be trusted (ForwardedHeaders) for its
        // X-Forwarded-Proto to count; plain HTTP is refused up front (HttpsOnly). Development keeps SameAsRequest for ./hotel run.
        var secure = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = secure);
        services.AddAuthentication(Smart)
            .AddPolicyScheme(Smart, "Cookie or Basic", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                    ? BasicAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.LoginPath = "/Login";
                o.LogoutPath = "/Logout";
                o.Cookie.Name = "hotel.care";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = secure;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = ctx =>
                {
                    if (IsApi(ctx.Request)) return WriteProblemAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Sign in as an agent first.");
                    ctx.Response.Redirect(ctx.RedirectUri);
                    return Task.CompletedTask;
                };
                o.Events.OnValidatePrincipal = RevalidateAsync;
                o.Events.OnRedirectToAccessDenied = ctx =>
                    WriteProblemAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, "Your role does not allow this.");
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Supervisor, p => p.RequireRole(Roles.Supervisor))
            .AddPolicy(Policies.SupervisorBasic, p => p.AddAuthenticationSchemes(BasicAuthenticationHandler.SchemeName).RequireRole(Roles.Supervisor));
        return services;
    }

    /// <summary>Sign-in properties for a new cookie: checked against the directory just now.</summary>
    public static AuthenticationProperties NewCookieProperties(TimeProvider clock) =>
        new(new Dictionary<string, string?> { [ValidatedAt] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) });

    /// <summary>
    /// At most every <see cref="SignInOptions.RevalidationInterval"/> a cookie is checked against the agent directory:
    /// an agent removed, demoted or given a new password is signed out; otherwise the check's time is renewed in the cookie.
    /// </summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var interval = services.GetRequiredService<IOptionsMonitor<SignInOptions>>().CurrentValue.RevalidationInterval;
        if (context.Properties.Items.TryGetValue(ValidatedAt, out var stamp)
            && DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var validated)
            && now - validated < interval)
            return;
        if (context.Principal is { } principal && services.GetRequiredService<AgentDirectory>().StillValid(principal))
        {
            context.Properties.Items[ValidatedAt] = now.ToString("O", CultureInfo.InvariantCulture);
            context.ShouldRenew = true;
            return;
        }
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthSetup))
            .LogWarning("Signed out {Email}: no longer an agent with that role and password", context.Principal?.FindFirstValue(ClaimTypes.Email));
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");

    public static Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(statusCode: status, detail: detail,
            title: status switch
            {
                StatusCodes.Status401Unauthorized => "Unauthorized",
                StatusCodes.Status429TooManyRequests => "Too many requests",
                _ => "Forbidden",
            }).ExecuteAsync(context);
    }
}
