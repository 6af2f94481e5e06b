using Hotel.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// The whole suite as <c>hotel run</c> starts it, with no traffic: each service's database commits at most a
/// handful of transactions in 10 s (timers of seconds, such as the relay's lag report and the unpaid-booking
/// sweep; no polling loops). Counted from <c>pg_stat_database</c>, not timed.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class IdleSuiteTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long MaxCommitsPerWindow = 5;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly SuiteRun _suite = new();

    [Fact]
    public async Task An_idle_suite_commits_at_most_a_handful_of_transactions_per_database_in_10_s()
    {
        var info = await _suite.StartAsync();
        var databases = info.Postgres.Databases.Values.Select(cs => new NpgsqlConnectionStringBuilder(cs).Database!).ToList();
        Assert.Equal(4, databases.Count);
        var postgres = info.Postgres.ConnectionString; // the readings' own transactions count against this one only
        Assert.Contains("Database=postgres", postgres);

        // Settled: start-up work (migrations, seeds, consumer groups joining, slots) is over and has reached the
        // statistics, which lag up to 10 s (see TransactionCounts).
        var settled = await Eventually.WaitAsync(() => TransactionCounts.OverAsync(postgres, databases, Window), w => w.AtMost(MaxCommitsPerWindow),
            TimeSpan.FromSeconds(90), $"a {Window.TotalSeconds} s window with at most {MaxCommitsPerWindow} commits in every database");
        output.WriteLine($"settled: {settled}");

        var idle = await TransactionCounts.OverAsync(postgres, databases, Window);
        output.WriteLine($"idle, {Window.TotalSeconds} s: {idle}");
        Assert.True(idle.AtMost(MaxCommitsPerWindow), $"over {Window.TotalSeconds} s idle: {idle}");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_suite.Output.Length > 20_000 ? _suite.Output[^20_000..] : _suite.Output);
        await _suite.DisposeAsync();
    }
}
