namespace Hotel.Testing;

/// <summary>What runs on this machine, read from <c>/proc</c>: to tell that a command left nothing running behind it.</summary>
public static class Processes
{
    /// <summary>Every process below <paramref name="pid"/> now (children, their children…).</summary>
    public static IReadOnlyList<int> DescendantsOf(int pid)
    {
        var parents = All().Select(p => (Pid: p, Parent: ParentOf(p))).Where(p => p.Parent is not null).ToList();
        var found = new List<int>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out var next))
            foreach (var child in parents.Where(p => p.Parent == next).Select(p => p.Pid))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        return found;
    }

    /// <summary>PostgreSQL server processes of the cluster in <paramref name="dataDirectory"/> (its postmaster names it with -D).</summary>
    public static IReadOnlyList<int> PostgresOf(string dataDirectory) =>
        All().Where(p => Read(p, "comm")?.Trim() == "postgres" && (Read(p, "cmdline")?.Contains(dataDirectory, StringComparison.Ordinal) ?? false) && IsAlive(p)).ToList();

    /// <summary>Running, not a zombie waiting for its parent.</summary>
    public static bool IsAlive(int pid)
    {
        var stat = Read(pid, "stat");
        return stat is not null && stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X' or default(char));
    }

    private static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var p) ? p : 0).Where(p => p > 0);

    private static int? ParentOf(int pid)
    {
        var stat = Read(pid, "stat");
        if (stat is null) return null;
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": state, ppid, …
        return fields.Length > 1 && int.TryParse(fields[1], out var parent) ? parent : null;
    }

    private static string? Read(int pid, string file)
    {
        try { return File.ReadAllText($"/proc/{pid}/{file}").Replace('\0', ' '); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
