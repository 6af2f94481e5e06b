namespace Hotel.Cli.Bench;

/// <summary>
/// CPU time of processes from <c>/proc/&lt;pid&gt;/stat</c>: user + system time of the process itself plus that of
/// its children it has already waited for (so a backend that exits is counted in the postmaster, a finished
/// <c>sleep</c> in the shell that ran it).
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on every Linux ABI .NET runs on

    /// <summary>One process: parent, start time (with the pid, names it across pid reuse) and CPU seconds so far.</summary>
    public sealed record ProcessTimes(int Pid, int ParentPid, long StartTicks, double CpuSeconds);

    public sealed record Snapshot(DateTime At, IReadOnlyDictionary<(int Pid, long Start), (string Group, double CpuSeconds)> Processes);

    /// <summary>Every process on the machine now.</summary>
    public static Dictionary<int, ProcessTimes> ReadAll()
    {
        var all = new Dictionary<int, ProcessTimes>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (Parse(pid, File.ReadAllText(Path.Combine(dir, "stat"))) is { } times) all[pid] = times;
            }
            catch (IOException) { } // exited meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return all;
    }

    /// <summary>Fields after the command name (which may hold spaces and parentheses): state ppid … utime stime cutime cstime … starttime.</summary>
    public static ProcessTimes? Parse(int pid, string stat)
    {
        var end = stat.LastIndexOf(')');
        if (end < 0) return null;
        var f = stat[(end + 2)..].Split(' ');
        // f[0] is field 3 (state): field n is f[n - 3].
        if (f.Length < 20) return null;
        var ticks = long.Parse(f[11]) + long.Parse(f[12]) + long.Parse(f[13]) + long.Parse(f[14]);
        return new ProcessTimes(pid, int.Parse(f[1]), long.Parse(f[19]), ticks / TicksPerSecond);
    }

    /// <summary>The process <paramref name="root"/> and all its descendants.</summary>
    public static IEnumerable<ProcessTimes> Tree(IReadOnlyDictionary<int, ProcessTimes> all, int root)
    {
        var children = all.Values.ToLookup(p => p.ParentPid);
        var pending = new Stack<int>([root]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!all.TryGetValue(pid, out var process)) continue;
            yield return process;
            foreach (var child in children[pid]) pending.Push(child.Pid);
        }
    }

    /// <summary>CPU seconds per group spent between two snapshots. A process that started meanwhile counts whole; one that exited unwaited is lost.</summary>
    public static Dictionary<string, double> SecondsBetween(Snapshot start, Snapshot end)
    {
        var byGroup = new Dictionary<string, double>();
        foreach (var (key, (group, seconds)) in end.Processes)
        {
            var before = start.Processes.TryGetValue(key, out var earlier) ? earlier.CpuSeconds : 0;
            byGroup[group] = byGroup.GetValueOrDefault(group) + Math.Max(0, seconds - before);
        }
        foreach (var (_, (group, _)) in start.Processes) byGroup.TryAdd(group, 0);
        return byGroup;
    }
}
