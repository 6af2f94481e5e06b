namespace Hotel.Notifications.Tests;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>
/// The sender polls only every ten minutes here, so whatever is sent within the tests' deadlines was sent
/// because a commit woke it (a consumer's transaction, the resend endpoint's SaveChanges) or because it slept
/// exactly until a retry fell due.
/// </summary>
[Collection(NotificationsCollection.Name)]
public sealed class SenderWakeTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Notifications:Sender:PollInterval"] = "00:10:00",
    };

    [Fact]
    public async Task New_pending_mail_wakes_the_sender_at_once_and_a_retry_goes_out_when_due_without_a_poll()
    {
        // A consumer's commit (PaymentCaptured → a pending confirmation and receipt) wakes it.
        var wake01 = Guid.NewGuid();
        await Events.BookingPlacedAsync(wake01, "HTL-WAKE01", "Wanda Wake", "wanda@example.com");
        await Events.PaymentCapturedAsync(wake01, "HTL-WAKE01");
        await Smtp.WaitForAsync("HTL-WAKE01", 2);

        // So does a SaveChanges outside a transaction (the resend endpoint).
        using var resend = new HttpRequestMessage(HttpMethod.Post, "/api/emails/resend") { Content = JsonContent.Create(new { bookingReference = "HTL-WAKE01" }) };
        resend.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotificationsApp.CareKey);
        using (var accepted = await Notifications.Client.SendAsync(resend))
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        await Smtp.WaitForAsync("HTL-WAKE01", 3);

        // 451 twice: the worker's own deferrals wake no one, yet it is back when each retry falls due.
        var wake02 = Guid.NewGuid();
        await Events.BookingPlacedAsync(wake02, "HTL-WAKE02", "Tim Tempfail", "tempfail.wake@example.com");
        await Events.PaymentFailedAsync(wake02, "HTL-WAKE02");
        await Smtp.WaitForAsync("HTL-WAKE02", 1);
        var retried = await Eventually.WaitAsync(() => Notifications.EmailsAsync("HTL-WAKE02"),
            e => e.Count == 1 && e[0].GetProperty("status").GetString() == "Sent", TimeSpan.FromSeconds(10), "the entry marked sent");
        Assert.Equal(3, retried[0].GetProperty("attempts").GetInt32()); // 451, 451, accepted
    }
}
