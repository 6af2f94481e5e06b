namespace Hotel.Notifications.Tests;

using Hotel.Testing;
using Npgsql;
using Xunit.Abstractions;

/// <summary>
/// Idle, the sender commits nothing. Its workers look four times a second here (a short poll), so the window
/// holds dozens of looks: each finds nothing and rolls back.
/// </summary>
[Collection(NotificationsCollection.Name)]
public sealed class IdleSenderTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Notifications:Sender:PollInterval"] = "00:00:00.250",
    };

    [Fact]
    public async Task With_nothing_to_send_the_sender_looks_but_commits_nothing()
    {
        var idleBooking = Guid.NewGuid();
        await Events.BookingPlacedAsync(idleBooking, "HTL-IDLE01", "Ivy Idle", "ivy@example.com");
        await Events.PaymentFailedAsync(idleBooking, "HTL-IDLE01"); // its one mail
        await Smtp.WaitForAsync("HTL-IDLE01", 1);
        await Eventually.WaitAsync(() => Notifications.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'EmailSent'"),
            n => n == 1, TimeSpan.FromSeconds(10), "the mail marked sent");

        var database = new NpgsqlConnectionStringBuilder(Notifications.ConnectionString).Database!;
        var postgres = Infra.Postgres.AdminConnectionString;
        // Settled: the commits above have reached the statistics (they may lag up to 10 s, see TransactionCounts).
        await Eventually.WaitAsync(() => TransactionCounts.OverAsync(postgres, [database], Window), w => w.AtMost(0),
            TimeSpan.FromSeconds(60), "a window with no commits");

        var idle = await TransactionCounts.OverAsync(postgres, [database], Window);
        Output.WriteLine($"over {Window.TotalSeconds} s idle: {idle}");
        var counts = idle.ByDatabase[database];
        Assert.True(counts.RolledBack >= NotificationsApp.SenderConcurrency, $"the workers should have looked (and rolled back): {idle}");
        // Every look rolls back. Under the whole suite's load the window has been seen to hold one or two commits besides
        // (the source is not found yet; alone the test reads 0), so "a handful" as issue 10 puts it, not zero; a look
        // that commits would show as many commits as looks.
        Assert.True(counts.Committed <= 2, $"the sender's looks should commit nothing: {idle}");
        Assert.Single(Smtp.For("HTL-IDLE01"));
    }
}
