namespace Hotel.Notifications.Tests;

using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>
/// Exactly one mail per (event, kind) through triple delivery, a SIGKILL of the service while it sends,
/// and a full replay from the earliest offset with the inbox cleared (so only the ledger stands in the way).
/// The service runs as a real child process here, so the kill is a real one.
/// </summary>
[Collection(NotificationsCollection.Name)]
public sealed class NeverTwiceTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    private const int Bookings = 20;

    protected override bool StartNotifications => false;

    [Fact]
    public async Task Triple_delivery_a_kill_mid_send_and_a_full_replay_send_exactly_one_mail_per_event_and_kind()
    {
        var database = await Infra.NewDatabaseAsync("notifications");
        var expected = 2 * Bookings; // a confirmation and a receipt (with its PDF) per booking
        for (var i = 0; i < Bookings; i++)
        {
            var id = Guid.NewGuid();
            var reference = $"HTL-TWC{i:D3}";
            var placed = await Events.BookingPlacedAsync(id, reference, $"Gäst Nummer {i}", $"guest{i}@example.com");
            var captured = await Events.PaymentCapturedAsync(id, reference);
            foreach (var again in new[] { placed, captured, placed, captured }) await Events.ResendAsync(again); // each three times in all
        }

        // 1. The service sends; it is killed (SIGKILL) with part of the mail sent.
        var first = Start(database, "notifications");
        int atKill;
        try
        {
            atKill = await Eventually.WaitAsync(() => Task.FromResult(Smtp.Count()), n => n >= 4, TimeSpan.FromSeconds(60), "the first mails");
        }
        finally
        {
            first.Kill();
            Output.WriteLine(first.Output);
        }
        atKill = Smtp.Count();
        Output.WriteLine($"killed with {atKill} of {expected} mails delivered");
        Assert.True(atKill < expected, $"the kill should fall while mail is still being sent ({atKill} of {expected} delivered)");

        // 2. Restarted. A killed member holds its partitions until its session times out, so the new process
        //    reads every topic again from the earliest offset (a new group): everything is redelivered once more.
        await using (var second = Start(database, "notifications-restarted"))
        {
            await Eventually.WaitAsync(() => Db.ScalarAsync<long>(database, "SELECT count(*) FROM emails WHERE status = 'Sent'"),
                n => n == expected, TimeSpan.FromSeconds(90), "every ledger entry sent after the restart");
        }

        // 3. Full replay with the inbox cleared, as a view rebuild does: every event is applied again.
        await Db.ExecuteAsync(database, "DELETE FROM inbox");
        await using (var replay = Start(database, "notifications-replay"))
        {
            await Eventually.WaitAsync(() => Db.ScalarAsync<long>(database, "SELECT count(*) FROM inbox"),
                n => n == expected, TimeSpan.FromSeconds(60), "every event applied again by the replay");
            await Eventually.WaitAsync(() => Db.ScalarAsync<long>(database, "SELECT count(*) FROM emails WHERE status <> 'Sent'"),
                n => n == 0, TimeSpan.FromSeconds(20), "nothing left to send");
        }

        Assert.Equal((long)expected, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM emails"));
        Assert.Equal((long)expected, await Db.ScalarAsync<long>(database, "SELECT count(DISTINCT (event_id, kind)) FROM emails"));
        Assert.Equal((long)expected, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM outbox WHERE type = 'EmailSent'"));

        var messages = Smtp.Messages();
        var byMessageId = messages.GroupBy(m => m.MessageId).ToList();
        Assert.Equal(expected, byMessageId.Count);
        for (var i = 0; i < Bookings; i++)
            Assert.Equal(["Confirmation", "Receipt"],
                Smtp.For($"HTL-TWC{i:D3}").Select(m => m.Headers["X-Hotel-Mail-Kind"] ?? "").Distinct().Order().ToArray());
        // A mail the kill caught between the server's accept and the ledger's commit is sent again, with the same
        // Message-ID (so the recipient's client shows it once): at most a batch per sender worker, each at most twice.
        var resent = byMessageId.Where(g => g.Count() > 1).ToList();
        Output.WriteLine($"{messages.Count} messages in the Maildir, {resent.Count} re-sent after the kill");
        Assert.True(resent.Count <= NotificationsApp.SenderConcurrency * NotificationsApp.SenderBatchSize && resent.All(g => g.Count() == 2),
            $"only mail in flight at the kill may arrive twice; re-sent: {string.Join(", ", resent.Select(g => $"{g.Key} ×{g.Count()}"))}");
    }

    private ChildProcess Start(string database, string consumerGroup)
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Notifications__ConsumerGroup"] = consumerGroup,
        };
        foreach (var (key, value) in NotificationsApp.Settings(database, Kafka.BootstrapServers, Smtp.Port))
            env[key.Replace(":", "__")] = value;
        return ChildProcess.StartDotnet("Hotel.Notifications.dll", [], env);
    }
}
