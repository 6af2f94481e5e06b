namespace Hotel.Bench.Peer;

/// <summary>What a child process is told on its command line: <c>&lt;role&gt; --db &lt;cs&gt; --bootstrap &lt;servers&gt; --topic &lt;t&gt; [--tuned]</c>.</summary>
public sealed record ChildArgs(string Role, string ConnectionString, string BootstrapServers, string Topic, bool Tuned)
{
    public IEnumerable<string> ToArgs() =>
        new[] { Role, "--db", ConnectionString, "--bootstrap", BootstrapServers, "--topic", Topic }.Concat(Tuned ? ["--tuned"] : []);

    public static ChildArgs Parse(string[] args)
    {
        string? db = null, bootstrap = null, topic = null;
        var tuned = false;
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--db": db = Value(); break;
                case "--bootstrap": bootstrap = Value(); break;
                case "--topic": topic = Value(); break;
                case "--tuned": tuned = true; break;
                default: throw new ArgumentException($"unknown child option {args[i]}");
            }
        }
        return new ChildArgs(args[0], db ?? throw new ArgumentException("--db is missing"),
            bootstrap ?? throw new ArgumentException("--bootstrap is missing"), topic ?? throw new ArgumentException("--topic is missing"), tuned);
    }
}
