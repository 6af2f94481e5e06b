namespace Hotel.CustomerCare.Auth;

using System.Globalization;
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

/// <summary>PBKDF2 (HMAC-SHA256) password hashes: salted, 210 000 iterations by default, compared in constant time.</summary>
public static class PasswordHashes
{
    private const string Prefix = "pbkdf2-sha256";
    public const int DefaultIterations = 210_000;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Prefix, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Prefix || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations) || iterations < 10_000)
            return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException) { return false; }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}

/// <summary>Checks credentials against the configured agents.</summary>
public sealed class AgentDirectory(IOptionsMonitor<AgentsOptions> options)
{
    // Verified against when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password.
    private static readonly string Decoy = PasswordHashes.Hash(Guid.NewGuid().ToString());

    public AgentAccount? Authenticate(string? email, string? password)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)) return null;
        var account = options.CurrentValue.Accounts.FirstOrDefault(a => string.Equals(a.Email.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));
        var ok = PasswordHashes.Verify(password, account?.PasswordHash ?? Decoy);
        return ok && account is not null && account.Role is Roles.Agent or Roles.Supervisor ? account : null;
    }

    public static ClaimsPrincipal Principal(AgentAccount account, string scheme) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, account.Email.Trim().ToLowerInvariant()),
            new Claim(ClaimTypes.Email, account.Email.Trim()),
            new Claim(ClaimTypes.Name, string.IsNullOrWhiteSpace(account.Name) ? account.Email : account.Name),
            new Claim(ClaimTypes.Role, account.Role),
        ], scheme));
}
