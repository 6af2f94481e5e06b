namespace Hotel.Notifications.Tests;

using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>Outside Development notifications needs real API keys: the repository's development values are public.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class ProductionStartTests(InfraFixture infra, ITestOutputHelper output) : NotificationsTestBase(infra, output)
{
    protected override bool StartNotifications => false;

    [Theory]
    [InlineData("ApiKeys:Operator", "dev-operator-api-key", "ApiKeys:Operator has the repository's development value")]
    [InlineData("ApiKeys:CustomerCare", "dev-customer-care-api-key", "ApiKeys:CustomerCare has the repository's development value")]
    [InlineData("ApiKeys:CustomerCare", "", "ApiKeys:CustomerCare is not set")]
    public async Task A_production_start_with_a_missing_or_development_api_key_is_refused_naming_the_setting(string setting, string value, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => NotificationsApp.StartAsync(Infra, Kafka.BootstrapServers, Smtp.Port, Output,
            new Dictionary<string, string> { ["environment"] = "Production", [setting] = value }));
        Assert.Contains(message, Flatten(error));
    }

    [Fact]
    public async Task A_production_start_with_keys_of_its_own_serves_its_callers()
    {
        await using var app = await NotificationsApp.StartAsync(Infra, Kafka.BootstrapServers, Smtp.Port, Output,
            new Dictionary<string, string> { ["environment"] = "Production" });
        using var response = await app.Caller.GetAsync("/api/emails?status=Failed");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + Flatten(e.InnerException);
}
