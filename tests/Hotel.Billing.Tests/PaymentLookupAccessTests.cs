namespace Hotel.Billing.Tests;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Xunit.Abstractions;

/// <summary>Billing is on the internet (the card form posts to it); its payment lookup answers callers with an API key only.</summary>
[Collection(BillingCollection.Name)]
public sealed class PaymentLookupAccessTests(InfraFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task The_payment_lookup_is_refused_without_a_key_and_with_a_wrong_one_and_answered_with_a_right_one()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output);
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        var booking = TestBooking.New(await app.TokeniseAsync("4242 4242 4242 4242"));
        await events.PlacedAsync(booking);
        await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s == "Captured");

        var path = $"/api/payments?bookingReference={booking.Reference}";
        var unknownPath = "/api/payments?bookingReference=HTL-NOSUCH";
        foreach (var (header, value) in new[]
                 {
                     ("", ""), ("X-Api-Key", "not-the-key"), ("Authorization", "Bearer not-the-key"), ("X-Api-Key", BillingApp.CareKey[..^1]),
                 })
            foreach (var target in new[] { path, unknownPath })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                if (header != "") request.Headers.TryAddWithoutValidation(header, value);
                using var response = await app.Client.SendAsync(request);
                // The same answer whether or not the reference exists: a stranger learns nothing.
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{target} with '{header}': {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain("4242", await response.Content.ReadAsStringAsync());
            }

        var byCare = await app.Caller.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("4242", Assert.Single(byCare.EnumerateArray()).GetProperty("last4").GetString());
        using var byOperator = new HttpRequestMessage(HttpMethod.Get, $"/api/payments?bookingReference={booking.Reference.ToLowerInvariant()}%20");
        byOperator.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BillingApp.OperatorKey);
        using var operatorResponse = await app.Client.SendAsync(byOperator);
        Assert.Equal(HttpStatusCode.OK, operatorResponse.StatusCode);
        Assert.Equal(booking.Reference, Assert.Single((await operatorResponse.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray())
            .GetProperty("bookingReference").GetString());
    }

    [Fact]
    public async Task The_lookup_compares_the_normalised_reference_with_the_indexed_column_as_it_is()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output, CommandLogging);
        app.Logs.Lines.Clear();
        using (var response = await app.Caller.GetAsync("/api/payments?bookingReference=htl-abc234"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // EF logs each command it runs: upper() on the column would make every lookup a sequential scan.
        var lookup = Assert.Single(app.Logs.Lines, l => l.Contains("FROM payments", StringComparison.Ordinal) && l.Contains("booking_reference =", StringComparison.Ordinal));
        Assert.DoesNotContain("upper(", lookup, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1L, await Db.ScalarAsync<long>(spec.ConnectionString,
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'payments' AND indexdef LIKE '%(booking_reference)%'"));
    }

    [Fact]
    public async Task An_unauthenticated_lookup_runs_no_query()
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec, output, CommandLogging);
        app.Logs.Lines.Clear();
        using (var response = await app.Client.GetAsync("/api/payments?bookingReference=HTL-ABC234"))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("FROM payments", StringComparison.Ordinal));
        // The same logging shows an authenticated lookup's query, so the absence above means something.
        using (var response = await app.Caller.GetAsync("/api/payments?bookingReference=HTL-ABC234"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(app.Logs.Lines, l => l.Contains("FROM payments", StringComparison.Ordinal));
    }

    /// <summary>EF Core's executed commands in the captured log (appsettings.json keeps EF at Warning).</summary>
    private static readonly Dictionary<string, string?> CommandLogging = new()
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
    };
}
