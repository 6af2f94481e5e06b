namespace Hotel.Cli.Run;

/// <summary>A service of the suite as the local run starts it.</summary>
public sealed record ServiceDefinition(
    string Name, string ProjectDirectory, string AssemblyName, int DefaultPort, string Database, string ConnectionStringName, bool HasOutbox)
{
    /// <summary>Port from <c>HOTEL_&lt;NAME&gt;_PORT</c>, else the documented default.</summary>
    public int Port => int.TryParse(Environment.GetEnvironmentVariable($"HOTEL_{EnvironmentName}_PORT"), out var p) ? p : DefaultPort;

    /// <summary>
    /// Billing, notifications and customer care: they serve no guest-facing entry point, so <c>HOTEL_INSTANCES</c>
    /// starts more of them (one consumer group each, the partitions shared). Booking, the API guests reach, runs once.
    /// </summary>
    public bool IsPureConsumer => Name != "booking";

    /// <summary>Port of instance <paramref name="instance"/> (2, 3…): <c>HOTEL_&lt;NAME&gt;_&lt;N&gt;_PORT</c>, else the first instance's port + N - 1.</summary>
    public int InstancePort(int instance, int firstPort) =>
        int.TryParse(Environment.GetEnvironmentVariable($"HOTEL_{EnvironmentName}_{instance}_PORT"), out var p) ? p : firstPort + instance - 1;

    private string EnvironmentName => Name.ToUpperInvariant().Replace('-', '_');
}

public static class ServiceCatalog
{
    /// <summary>Every service of the suite, with its fixed default port. Only those whose project exists are started.</summary>
    public static readonly ServiceDefinition[] All =
    [
        new("booking", "services/booking", "Hotel.Booking", 5100, "booking", "Booking", HasOutbox: true),
        new("billing", "services/billing", "Hotel.Billing", 5200, "billing", "Billing", HasOutbox: true),
        new("notifications", "services/notifications", "Hotel.Notifications", 5300, "notifications", "Notifications", HasOutbox: true),
        new("customer-care", "services/customer-care", "Hotel.CustomerCare", 5400, "customer_care", "CustomerCare", HasOutbox: false),
    ];

    /// <summary>Topics the embedded broker is given at start: one per aggregate type, and their dead-letter topics.</summary>
    public static readonly string[] Topics = ["booking.events", "payment.events", "email.events"];

    public const int Partitions = 8;

    public static IEnumerable<ServiceDefinition> Present(string root) =>
        All.Where(s => File.Exists(Path.Combine(root, s.ProjectDirectory, s.AssemblyName + ".csproj")));

    public static string RepositoryRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("HOTEL_ROOT");
        if (!string.IsNullOrEmpty(fromEnv)) return Path.GetFullPath(fromEnv);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hotel.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hotel.sln"))) return dir.FullName;
        throw new CliException("Cannot find the repository root (Hotel.sln); set HOTEL_ROOT.");
    }

    public static string DataDirectory(string root) =>
        Path.GetFullPath(Environment.GetEnvironmentVariable("HOTEL_DATA") is { Length: > 0 } d ? d : Path.Combine(root, ".hotel"));

    /// <summary>The service's built assembly: the most recently built of Release (what `./hotel` builds) and Debug (what an IDE or `dotnet test` builds).</summary>
    public static string AssemblyPath(string root, ServiceDefinition service) =>
        new[] { "Release", "Debug" }
            .Select(configuration => Path.Combine(root, service.ProjectDirectory, "bin", configuration, "net10.0", service.AssemblyName + ".dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
        ?? throw new CliException($"{service.Name} is not built ({service.ProjectDirectory}); run it through ./hotel, which builds first.");
}
