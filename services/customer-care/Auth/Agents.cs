namespace Hotel.CustomerCare.Auth;

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

public static class Roles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
}

public static class Policies
{
    /// <summary>Cancelling a booking, rebuilding the view: supervisors only.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Admin API: supervisors signing in with HTTP Basic (no cookie, so no CSRF).</summary>
    public const string SupervisorBasic = "supervisor-basic";
}

/// <summary>An agent from configuration section <c>Agents</c> (a list): e-mail, name, role and a PBKDF2 hash.</summary>
public sealed class AgentAccount
{
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = Roles.Agent;

    /// <summary><c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>, see <see cref="PasswordHashes"/>.</summary>
    public string PasswordHash { get; set; } = "";
}

public sealed class AgentsOptions
{
    public List<AgentAccount> Accounts { get; } = [];
}

/// <summary>Checks credentials against the configured agents (reloaded when configuration changes).</summary>
public sealed class AgentDirectory(IOptionsMonitor<AgentsOptions> options)
{
    /// <summary>Claim that ties a cookie to the agent's password hash: changing the password ends the agent's sessions.</summary>
    public const string StampClaim = "hotel:agent-stamp";

    // Verified against when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password.
    private static readonly string Decoy = PasswordHashes.Hash(Guid.NewGuid().ToString());

    private long _passwordChecks;

    /// <summary>PBKDF2 verifications done since start (each costs ~0.1 CPU-s): what sign-in throttling keeps down.</summary>
    public long PasswordChecks => Interlocked.Read(ref _passwordChecks);

    public AgentAccount? Authenticate(string? email, string? password)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)) return null;
        var account = Find(email);
        Interlocked.Increment(ref _passwordChecks);
        var ok = PasswordHashes.Verify(password, account?.PasswordHash ?? Decoy);
        return ok && account is not null && account.Role is Roles.Agent or Roles.Supervisor ? account : null;
    }

    public AgentAccount? Find(string email) =>
        options.CurrentValue.Accounts.FirstOrDefault(a => string.Equals(a.Email.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a signed-in principal still matches the directory: the agent exists, with the same role and password.</summary>
    public bool StillValid(ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier) is { } email
        && Find(email) is { Role: Roles.Agent or Roles.Supervisor } account
        && principal.IsInRole(account.Role)
        && principal.FindFirstValue(StampClaim) == Stamp(account);

    public static ClaimsPrincipal Principal(AgentAccount account, string scheme) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, account.Email.Trim().ToLowerInvariant()),
            new Claim(ClaimTypes.Email, account.Email.Trim()),
            new Claim(ClaimTypes.Name, string.IsNullOrWhiteSpace(account.Name) ? account.Email : account.Name),
            new Claim(ClaimTypes.Role, account.Role),
            new Claim(StampClaim, Stamp(account)),
        ], scheme));

    private static string Stamp(AgentAccount account) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account.PasswordHash)))[..16];
}
