namespace Hotel.Notifications.Tests;

using System.Net;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>While the notifications database is away its API says so (503, not 500) and comes back by itself.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class DatabaseOutageTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    [Fact]
    public async Task While_its_database_refuses_connections_the_email_API_answers_503_with_Retry_After_readiness_is_unhealthy_and_both_recover_when_it_is_back()
    {
        Assert.Empty(await Notifications.EmailsAsync("HTL-OUTAGE"));

        await using (await DatabaseOutage.BeginAsync(Infra, Notifications.ConnectionString))
        {
            using (var list = await Notifications.Caller.GetAsync("/api/emails?bookingReference=HTL-OUTAGE"))
                await OutageAnswers.AssertUnavailableProblemAsync(list, "GET /api/emails");
            using (var ready = await Notifications.Client.GetAsync("/health/ready"))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using (var live = await Notifications.Client.GetAsync("/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await Eventually.WaitAsync(async () =>
        {
            using var ready = await Notifications.Client.GetAsync("/health/ready");
            return ready.StatusCode;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readiness back");
        Assert.Empty(await Notifications.EmailsAsync("HTL-OUTAGE"));
    }
}
