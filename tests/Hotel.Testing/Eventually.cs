namespace Hotel.Testing;

/// <summary>Waits on a condition with a deadline: the only way tests wait (no fixed sleeps).</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(10);
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {Describe(last)}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
            last = await probe();
        }
        return last;
    }

    public static Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        WaitAsync(condition, ok => ok, timeout, what);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.ICollection c => $"{c.Count} item(s)",
        _ => value.ToString() ?? "",
    };
}
