using System.Globalization;

namespace Hotel.Bench.Peer;

/// <summary>The coordinator's options; every one has a default, so a bare run measures the documented steps.</summary>
public sealed record BenchSettings(
    IReadOnlyList<double> Rates,
    double StepSeconds,
    int Writers,
    double DrainSeconds,
    bool PeerTuned,
    bool KeepGoing,
    string DataDirectory)
{
    public const string Usage = """
        usage: Hotel.Bench.Peer [--rates 250,500,1000,…] [--step-seconds 15] [--writers 16] [--drain-seconds 30]
                                [--peer-tuned] [--keep-going] [--data <dir>]
          Measures the minimal flow (a booking row and its event committed together, one hop through Kafka, one
          consumer applying it exactly once) with this project's outbox + relay + consumer host, and with Wolverine,
          on one durable PostgreSQL and one embedded broker, at the same open-loop offered rates.
          --peer-tuned   also run Wolverine tuned for latency (outgoing batch timeout 2 ms instead of 250 ms)
          --keep-going   keep stepping a side up after it missed two steps in a row (default: it stops there)
          --data         where the scratch cluster, logs and bench-peer-results.json go (default $HOTEL_DATA or ./.hotel)
        """;

    public static BenchSettings Parse(string[] args)
    {
        var s = new BenchSettings([250, 500, 1000, 1500, 2000, 3000, 4000], 15, 16, 30, false, false,
            Environment.GetEnvironmentVariable("HOTEL_DATA") is { Length: > 0 } d ? d : Path.Combine(Environment.CurrentDirectory, ".hotel"));
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Positive() => double.TryParse(Value(), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{args[i - 1]} needs a positive number.");
            s = args[i] switch
            {
                "--rates" => s with
                {
                    Rates = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(r => double.TryParse(r, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"--rates: '{r}' is not a positive number."))
                        .ToList(),
                },
                "--step-seconds" => s with { StepSeconds = Positive() },
                "--writers" => s with { Writers = (int)Positive() },
                "--drain-seconds" => s with { DrainSeconds = Positive() },
                "--peer-tuned" => s with { PeerTuned = true },
                "--keep-going" => s with { KeepGoing = true },
                "--data" => s with { DataDirectory = Value() },
                _ => throw new ArgumentException($"unknown option '{args[i]}'."),
            };
        }
        return s with { DataDirectory = Path.GetFullPath(s.DataDirectory) };
    }
}
