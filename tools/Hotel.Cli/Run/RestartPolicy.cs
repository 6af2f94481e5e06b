namespace Hotel.Cli.Run;

/// <summary>
/// When a service process that exited is started again: after a capped exponential backoff (1 s, 2 s, 4 s … 30 s),
/// back to 1 s once a process has stayed up <see cref="StableAfter"/>; giving up when it would be the
/// <c>MaxRestarts + 1</c>-th restart within <see cref="Window"/>.
/// </summary>
public sealed record RestartPolicy(int MaxRestarts, TimeSpan Window)
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);

    /// <summary>No restart: the first exit gives up (the bench, whose figures would mean nothing with a service restarted).</summary>
    public static readonly RestartPolicy Never = new(0, TimeSpan.Zero);

    /// <summary><c>HOTEL_MAX_RESTARTS</c> (5) restarts per service within <c>HOTEL_RESTART_WINDOW_MINUTES</c> (10).</summary>
    public static RestartPolicy FromEnvironment()
    {
        var max = Environment.GetEnvironmentVariable("HOTEL_MAX_RESTARTS");
        var window = Environment.GetEnvironmentVariable("HOTEL_RESTART_WINDOW_MINUTES");
        return new(
            string.IsNullOrEmpty(max) ? 5
                : int.TryParse(max, out var n) && n >= 0 ? n : throw new CliException($"HOTEL_MAX_RESTARTS must be a whole number, 0 or more (got '{max}')."),
            TimeSpan.FromMinutes(string.IsNullOrEmpty(window) ? 10
                : double.TryParse(window, System.Globalization.CultureInfo.InvariantCulture, out var m) && m > 0 ? m
                : throw new CliException($"HOTEL_RESTART_WINDOW_MINUTES must be a number of minutes above 0 (got '{window}').")));
    }

    public static TimeSpan NextBackoff(TimeSpan current) => current * 2 < MaxBackoff ? current * 2 : MaxBackoff;

    public string Describe() => MaxRestarts == 0 ? "no restarts" : $"at most {MaxRestarts} restarts within {Window.TotalMinutes:0.#} min";
}
