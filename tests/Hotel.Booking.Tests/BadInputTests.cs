namespace Hotel.Booking.Tests;

using System.Net;
using System.Text;
using System.Text.Json;
using Hotel.Testing;
using Microsoft.AspNetCore.Hosting;

/// <summary>Bad input gets a 4xx problem response naming what is wrong, and writes nothing.</summary>
[Collection(BookingCollection.Name)]
public sealed class BadInputTests(InfraFixture infra) : IAsyncLifetime
{
    private static readonly string CheckIn = BookingApp.Day(10).ToString("yyyy-MM-dd");
    private static readonly string CheckOut = BookingApp.Day(12).ToString("yyyy-MM-dd");

    private BookingApp _app = null!;

    public async Task InitializeAsync() => _app = await BookingApp.StartAsync(infra);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A valid body with some fields replaced, as JSON text.</summary>
    private static string Body(string? hotelId = "vie-opera", string? roomTypeId = "vie-opera-deluxe", string? checkIn = null, string? checkOut = null,
        string? name = "Ada Lovelace", string? email = "ada@example.com", string? paymentMethodId = ValidToken) =>
        JsonSerializer.Serialize(new
        {
            hotelId,
            roomTypeId,
            checkIn = checkIn ?? CheckIn,
            checkOut = checkOut ?? CheckOut,
            guest = new { name, email },
            paymentMethodId = paymentMethodId == ValidToken ? TestPaymentTokens.For(email ?? "ada@example.com") : paymentMethodId,
        });

    /// <summary>Stands for a token billing issued for the body's own guest.</summary>
    private const string ValidToken = "(valid)";

    public static TheoryData<string, string, string, int, string?> Cases => new()
    {
        { "malformed date", Body(checkIn: "2026-13-45"), "application/json", 400, "checkIn" },
        { "date of the wrong type", Body().Replace($"\"{CheckIn}\"", "20261201", StringComparison.Ordinal), "application/json", 400, "checkIn" },
        { "check-in in the past", Body(checkIn: BookingApp.Day(-1).ToString("yyyy-MM-dd")), "application/json", 400, "checkIn" },
        { "check-out on check-in", Body(checkOut: CheckIn), "application/json", 400, "checkOut" },
        { "check-out before check-in", Body(checkOut: BookingApp.Day(9).ToString("yyyy-MM-dd")), "application/json", 400, "checkOut" },
        { "31 nights", Body(checkOut: BookingApp.Day(41).ToString("yyyy-MM-dd")), "application/json", 400, "checkOut" },
        { "unknown hotel", Body(hotelId: "atlantis"), "application/json", 422, "hotelId" },
        { "room type of another hotel", Body(roomTypeId: "ams-canal-suite"), "application/json", 422, "roomTypeId" },
        { "malformed e-mail", Body(email: "ada-at-example.com"), "application/json", 400, "guest.email" },
        { "e-mail with a display name", Body(email: "Ada <ada@example.com>"), "application/json", 400, "guest.email" },
        { "missing guest name", Body(name: null), "application/json", 400, "guest.name" },
        { "missing payment method", Body(paymentMethodId: null), "application/json", 400, "paymentMethodId" },
        { "another guest's payment token", Body(paymentMethodId: TestPaymentTokens.For("eve@example.com")), "application/json", 422, "paymentMethodId" },
        { "a made-up payment token", Body(paymentMethodId: "pm_test_4242"), "application/json", 422, "paymentMethodId" },
        { "a token signed with another key", Body(paymentMethodId: TestPaymentTokens.For("ada@example.com", key: "not-billing's-key-0123456789abcdef-xyz")), "application/json", 422, "paymentMethodId" },
        { "an expired payment token", Body(paymentMethodId: TestPaymentTokens.For("ada@example.com", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1))), "application/json", 422, "paymentMethodId" },
        { "empty object", "{}", "application/json", 400, "hotelId" },
        { "malformed JSON", "{\"hotelId\": \"vie-opera\", ", "application/json", 400, null },
        { "JSON array", "[]", "application/json", 400, null },
        { "empty body", "", "application/json", 400, null },
        { "not JSON", "hotelId=vie-opera", "application/x-www-form-urlencoded", 415, null },
        { "oversized body", Body(name: new string('x', 70 * 1024)), "application/json", 413, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Placing_a_bad_booking_is_a_problem_and_writes_nothing(string why, string body, string contentType, int expectedStatus, string? field)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await _app.Client.PostAsync("/api/bookings", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"{why}: expected {expectedStatus}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(expectedStatus, problem.GetProperty("status").GetInt32());
        if (field is not null)
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{why}: no error for {field} in {text}");

        Assert.Equal(0, await _app.CountAsync("bookings"));
        Assert.Equal(0, await _app.CountAsync("outbox"));
        Assert.Equal(0L, await _app.ScalarAsync<long>("SELECT coalesce(sum(booked), 0)::bigint FROM room_nights"));
    }

    [Theory]
    [InlineData("Production", TestPaymentTokens.DevelopmentKey)]
    [InlineData("Production", "")]
    [InlineData("Development", "")]
    public async Task Startup_is_refused_naming_PaymentTokens_Key_without_a_key_or_with_the_development_key_outside_Development(string environment, string key)
    {
        await using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>()
            .WithWebHostBuilder(builder => builder
                .UseEnvironment(environment)
                .UseSetting("ConnectionStrings:Booking", _app.ConnectionString)
                .UseSetting("PaymentTokens:Key", key));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains("PaymentTokens:Key", error.Message);
    }

    [Theory]
    [InlineData("dev-customer-care-api-key", "ApiKeys:CustomerCare has the repository's development value")]
    [InlineData("", "ApiKeys:CustomerCare is not set")]
    public async Task A_production_start_with_a_missing_or_development_customer_care_key_is_refused_naming_the_setting(string key, string message)
    {
        await using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>()
            .WithWebHostBuilder(builder => builder
                .UseEnvironment("Production")
                .UseSetting("ConnectionStrings:Booking", _app.ConnectionString)
                .UseSetting("PaymentTokens:Key", "a-production-payment-token-key-" + Guid.NewGuid().ToString("N"))
                .UseSetting("ApiKeys:CustomerCare", key));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task A_missing_connection_string_stops_startup_with_a_clear_error()
    {
        await using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>()
            .WithWebHostBuilder(builder => builder.UseSetting("ConnectionStrings:Booking", ""));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains("ConnectionStrings:Booking", error.Message);
    }
}
