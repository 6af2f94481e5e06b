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
    public static RestartPolicy FromEnvironment() => new(
        int.TryParse(Environment.GetEnvironmentVariable("HOTEL_MAX_RESTARTS"), out var max) && max >= 0 ? max : 5,
        TimeSpan.FromMinutes(double.TryParse(Environment.GetEnvironmentVariable("HOTEL_RESTART_WINDOW_MINUTES"), System.Globalization.CultureInfo.InvariantCulture, out var minutes) && minutes > 0 ? minutes : 10));

    public static TimeSpan NextBackoff(TimeSpan current) => current * 2 < MaxBackoff ? current * 2 : MaxBackoff;

    public string Describe() => MaxRestarts == 0 ? "no restarts" : $"at most {MaxRestarts} restarts within {Window.TotalMinutes:0.#} min";
}
