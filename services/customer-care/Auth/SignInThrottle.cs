namespace Hotel.CustomerCare.Auth;

using Microsoft.Extensions.Options;

/// <summary>
/// Counts failed sign-ins per account and per client address and locks either out for <see cref="SignInOptions.Lockout"/>
/// once it reaches its limit. An attempt is counted as failed from the moment it starts (and taken back when it
/// succeeds), so parallel guesses cannot slip past the limit, and a locked-out attempt is refused before any hashing.
/// </summary>
public sealed class SignInThrottle(IOptionsMonitor<SignInOptions> options, TimeProvider clock)
{
    private const int PruneAbove = 10_000;

    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset WindowStart;
        public DateTimeOffset LockedUntil;
    }

    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Starts an attempt; null when it may go ahead, otherwise how long the caller must wait.</summary>
    public TimeSpan? TryBegin(string account, string client)
    {
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        lock (_counters)
        {
            if (_counters.Count > PruneAbove) Prune(now, settings);
            var forAccount = CounterOf(AccountKey(account), now, settings);
            var forClient = CounterOf(ClientKey(client), now, settings);
            var wait = Max(Wait(forAccount, settings.MaxFailuresPerAccount, now), Wait(forClient, settings.MaxFailuresPerClient, now));
            if (wait is not null) return wait;
            forAccount.Failures++;
            forClient.Failures++;
            return null;
        }
    }

    /// <summary>Ends an attempt begun with <see cref="TryBegin"/>.</summary>
    public void End(string account, string client, bool succeeded)
    {
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        lock (_counters)
        {
            var forAccount = CounterOf(AccountKey(account), now, settings);
            var forClient = CounterOf(ClientKey(client), now, settings);
            if (succeeded)
            {
                _counters.Remove(AccountKey(account));
                forClient.Failures = Math.Max(0, forClient.Failures - 1);
                return;
            }
            if (forAccount.Failures >= settings.MaxFailuresPerAccount) forAccount.LockedUntil = now + settings.Lockout;
            if (forClient.Failures >= settings.MaxFailuresPerClient) forClient.LockedUntil = now + settings.Lockout;
        }
    }

    private static string AccountKey(string account) => "account:" + account.Trim().ToLowerInvariant();
    private static string ClientKey(string client) => "client:" + client;

    private Counter CounterOf(string key, DateTimeOffset now, SignInOptions settings)
    {
        if (!_counters.TryGetValue(key, out var counter)) _counters[key] = counter = new Counter { WindowStart = now };
        var lockoutOver = counter.LockedUntil != default && counter.LockedUntil <= now;
        var windowOver = counter.LockedUntil == default && now - counter.WindowStart >= settings.Window;
        if (lockoutOver || windowOver)
        {
            counter.Failures = 0;
            counter.WindowStart = now;
            counter.LockedUntil = default;
        }
        return counter;
    }

    private static TimeSpan? Wait(Counter counter, int limit, DateTimeOffset now) =>
        counter.LockedUntil > now ? counter.LockedUntil - now
        : counter.Failures >= Math.Max(1, limit) ? TimeSpan.FromSeconds(1) // the last allowed attempts are still being checked
        : null;

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private void Prune(DateTimeOffset now, SignInOptions settings)
    {
        foreach (var (key, counter) in _counters)
            if (counter.LockedUntil <= now && now - counter.WindowStart >= settings.Window)
                _counters.Remove(key);
    }
}
