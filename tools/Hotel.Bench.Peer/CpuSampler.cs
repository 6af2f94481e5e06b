namespace Hotel.Bench.Peer;

/// <summary>
/// CPU time per process from <c>/proc/&lt;pid&gt;/stat</c> (utime + stime), and PostgreSQL's backends
/// grouped by the database their process title names (<c>postgres: user db host …</c>, walsenders too);
/// the postmaster and its background processes are "postgres (shared)".
/// </summary>
public sealed class CpuSampler(string postgresDataDirectory, IReadOnlyCollection<string> databases)
{
    /// <summary>USER_HZ: the unit of utime/stime, 100 on every Linux ABI .NET runs on.</summary>
    private const double MsPerTick = 10;

    public const string PostgresShared = "postgres (shared)";

    public static string PostgresOf(string database) => $"postgres {database}";

    /// <summary>CPU milliseconds so far of each named process and of each PostgreSQL group.</summary>
    public Dictionary<string, double> Sample(IReadOnlyDictionary<string, int> processes)
    {
        var sample = new Dictionary<string, double>();
        foreach (var (name, pid) in processes)
            sample[name] = Ticks(pid) is { } t ? t.Ticks * MsPerTick : 0;
        sample[PostgresShared] = 0;
        foreach (var db in databases) sample[PostgresOf(db)] = 0;
        if (PostmasterPid() is not int postmaster) return sample;
        sample[PostgresShared] += (Ticks(postmaster)?.Ticks ?? 0) * MsPerTick;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || Ticks(pid) is not { } t || t.ParentPid != postmaster) continue;
            sample[GroupOf(pid)] += t.Ticks * MsPerTick;
        }
        return sample;
    }

    /// <summary>Busy CPU milliseconds of the whole machine so far (every core, from the first line of /proc/stat).</summary>
    public static double MachineBusyMs()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal …: all but idle and iowait are busy.
        var busy = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i]));
        return busy * MsPerTick;
    }

    /// <summary>What each entry used between two samples.</summary>
    public static Dictionary<string, double> Difference(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => Math.Max(0, a.Value - before.GetValueOrDefault(a.Key)));

    private string GroupOf(int pid)
    {
        string title;
        try { title = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return PostgresShared; }
        var words = title.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var db in databases)
            if (words.Contains(db, StringComparer.Ordinal)) return PostgresOf(db);
        return PostgresShared;
    }

    private int? PostmasterPid()
    {
        try { return int.TryParse(File.ReadLines(Path.Combine(postgresDataDirectory, "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static (long Ticks, int ParentPid)? Ticks(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); ppid is field 4, utime 14, stime 15.
        return (long.Parse(fields[11]) + long.Parse(fields[12]), int.Parse(fields[1]));
    }
}
