namespace Hotel.Testing;

/// <summary>Files of the repository tests read or run (the ./hotel script, docker-compose.yml, …).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hotel.sln"))) return dir.FullName;
        throw new InvalidOperationException("Hotel.sln not found above " + AppContext.BaseDirectory);
    }
}
