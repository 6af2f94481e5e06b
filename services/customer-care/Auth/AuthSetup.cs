namespace Hotel.CustomerCare.Auth;

using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

/// <summary>HTTP Basic for scripts and the CLI (<c>./hotel rebuild-view</c>): the same agents and roles as the sign-in page.</summary>
public sealed class BasicAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, AgentDirectory agents) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, SchemeName, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)); }
        catch (FormatException) { return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials.")); }
        var colon = decoded.IndexOf(':');
        var account = colon < 0 ? null : agents.Authenticate(decoded[..colon], decoded[(colon + 1)..]);
        return Task.FromResult(account is null
            ? AuthenticateResult.Fail("Unknown agent or wrong password.")
            : AuthenticateResult.Success(new AuthenticationTicket(AgentDirectory.Principal(account, SchemeName), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AuthSetup.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, "Sign in as an agent (HTTP Basic or the sign-in page).");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthSetup.WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "Your role does not allow this.");
}

public static class AuthSetup
{
    private const string Smart = "cookie-or-basic";

    public static IServiceCollection AddAgentAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AgentsOptions>(o => configuration.GetSection("Agents").Bind(o.Accounts));
        services.AddSingleton<AgentDirectory>();
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
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = ctx =>
                {
                    if (IsApi(ctx.Request)) return WriteProblemAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Sign in as an agent first.");
                    ctx.Response.Redirect(ctx.RedirectUri);
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToAccessDenied = ctx =>
                    WriteProblemAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, "Your role does not allow this.");
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Supervisor, p => p.RequireRole(Roles.Supervisor))
            .AddPolicy(Policies.SupervisorBasic, p => p.AddAuthenticationSchemes(BasicAuthenticationHandler.SchemeName).RequireRole(Roles.Supervisor));
        return services;
    }

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");

    public static Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(statusCode: status, detail: detail,
            title: status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden").ExecuteAsync(context);
    }
}
