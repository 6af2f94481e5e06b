using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Hotel.ServiceDefaults;

/// <summary>
/// Outside Development a service refuses to start while a secret it needs is missing or still has a value
/// the repository gives it for local development (appsettings.Development.json, <c>./hotel run</c>).
/// </summary>
public static class DevelopmentSecrets
{
    /// <summary>Every development value of a secret in the repository: public, so never good enough outside Development.</summary>
    public static readonly IReadOnlySet<string> KnownValues = new HashSet<string>(StringComparer.Ordinal)
    {
        // booking and billing: PaymentTokens:Key
        "dev-only-payment-token-key-0123456789abcdef",
        // billing: Payments:FingerprintKey
        "local-dev-only-card-fingerprint-key-change-me",
        // notifications and billing: ApiKeys:CustomerCare, ApiKeys:Operator; customer care: Services:*ApiKey
        "dev-customer-care-api-key",
        "dev-operator-api-key",
        // the former notifications admin key
        "dev-notifications-admin-key",
        // customer care: Agents:*:PasswordHash of agent-dev-password and supervisor-dev-password
        "pbkdf2-sha256$210000$kqzfX1S1lfPFSxH62H6P7Q==$B0Vxm9hsPTAH3icBg64ATjqqi402B9a2QJOXuKVRSOk=",
        "pbkdf2-sha256$210000$oiX2unfzQ8VaMKAb8igeWg==$XBQ6aJMhBXVXkGUeJwWaMaBfU7h4IkGdsugwodFen2k=",
    };

    /// <summary>
    /// Throws, naming the setting, when outside Development one of <paramref name="settings"/> is missing, empty or a
    /// <see cref="KnownValues">development value</see>. A <c>*</c> stands for every entry of a list, e.g.
    /// <c>Agents:*:PasswordHash</c>, and then at least one entry is needed.
    /// </summary>
    public static IHostApplicationBuilder RefuseDevelopmentSecrets(this IHostApplicationBuilder builder, params string[] settings)
    {
        if (builder.Environment.IsDevelopment()) return builder;
        foreach (var setting in settings)
        {
            var values = Values(builder.Configuration, setting);
            if (values.Count == 0 || values.Any(v => string.IsNullOrWhiteSpace(v.Value)))
                throw new InvalidOperationException(
                    $"{values.FirstOrDefault(v => string.IsNullOrWhiteSpace(v.Value)).Key ?? setting} is not set. Outside Development " +
                    $"(environment {builder.Environment.EnvironmentName}) every secret needs a value of its own, e.g. from the environment.");
            if (values.FirstOrDefault(v => KnownValues.Contains(v.Value!.Trim())) is { Key: { } developmentOnly })
                throw new InvalidOperationException(
                    $"{developmentOnly} has the repository's development value, which is public. Outside Development " +
                    $"(environment {builder.Environment.EnvironmentName}) give it a secret value of its own.");
        }
        return builder;
    }

    private static List<KeyValuePair<string, string?>> Values(IConfiguration configuration, string setting)
    {
        var star = setting.IndexOf(":*:", StringComparison.Ordinal);
        if (star < 0) return [new(setting, configuration[setting])];
        var list = setting[..star];
        var field = setting[(star + 3)..];
        return configuration.GetSection(list).GetChildren()
            .Select(entry => new KeyValuePair<string, string?>($"{list}:{entry.Key}:{field}", entry[field]))
            .ToList();
    }
}
