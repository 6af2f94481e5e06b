using System.Text.Encodings.Web;
using System.Text.Json;
using Hotel.CustomerCare.Auth;

namespace Hotel.Cli;

/// <summary>
/// <c>./hotel hash-password</c>: prints a customer-care agent entry (section <c>Agents</c>) with the PBKDF2 hash of a
/// password read from the terminal without echo (asked twice) or, when input is redirected, from the first line of stdin.
/// The password never appears on the command line, in the shell history or in the output.
/// </summary>
public static class HashPasswordCommand
{
    private const int MinimumLength = 12;
    private const string Agent = "agent", Supervisor = "supervisor"; // customer care's Roles

    public static int Run(string email, string? name, string role, TextReader input, TextWriter output, bool inputRedirected)
    {
        email = email.Trim();
        name = name?.Trim();
        role = role.Trim().ToLowerInvariant();
        if (!email.Contains('@')) throw new CliException($"--email needs an e-mail address, not '{email}'.");
        if (role is not (Agent or Supervisor)) throw new CliException($"--role is agent or supervisor, not '{role}'.");

        var password = inputRedirected ? input.ReadLine() ?? "" : ReadTwiceWithoutEcho();
        if (password.Length < MinimumLength) throw new CliException($"the password needs at least {MinimumLength} characters.");

        var entry = new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Name"] = string.IsNullOrEmpty(name) ? email : name,
            ["Role"] = role,
            ["PasswordHash"] = PasswordHashes.Hash(password),
        };
        output.WriteLine("// an entry of customer care's \"Agents\" list (appsettings or a secrets store):");
        output.WriteLine(JsonSerializer.Serialize(entry, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        output.WriteLine("// or as environment variables (N = the entry's index in the list):");
        foreach (var (key, value) in entry) output.WriteLine($"Agents__N__{key}='{value}'");
        return 0;
    }

    private static string ReadTwiceWithoutEcho()
    {
        var first = ReadWithoutEcho("Password: ");
        var second = ReadWithoutEcho("Again: ");
        return first == second ? first : throw new CliException("the two passwords differ.");
    }

    private static string ReadWithoutEcho(string prompt)
    {
        Console.Error.Write(prompt);
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (password.Length > 0) password.Length--; }
            else if (!char.IsControl(key.KeyChar)) password.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return password.ToString();
    }
}
