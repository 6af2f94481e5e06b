namespace Hotel.Testing;

/// <summary>
/// How browser tests start Debian's chromium (Playwright's own browser download is not available here):
/// headless, no background traffic, and no name lookups but localhost.
/// </summary>
public static class ChromiumOptions
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static string[] Args { get; } =
    [
        "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
        .. Environment.UserName == "root" ? new[] { "--no-sandbox" } : [],
    ];

    /// <summary>Fails with the fix when chromium is not installed.</summary>
    public static string RequireExecutable() =>
        File.Exists(ExecutablePath) ? ExecutablePath : throw new InvalidOperationException($"{ExecutablePath} is missing: ./hotel test installs Debian's chromium");
}
