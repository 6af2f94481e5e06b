namespace Hotel.CustomerCare.Auth;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

// Also compiled into the CLI (./hotel hash-password), so that it writes exactly the format agents are checked with.
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
