namespace Hotel.Billing.Tests;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

/// <summary>Card input is validated field by field, and no card number reaches a table, a log line or a Kafka message.</summary>
[Collection(BillingCollection.Name)]
public sealed class CardSecurityTests(InfraFixture infra, ITestOutputHelper output)
{
    // Numbers no other test uses, so finding them anywhere can only come from this test.
    private const string ValidNumber = "4000002500003155";
    private const string ValidSpaced = "4000 0025 0000 3155";
    private const string LuhnFailing = "4000002500003156";

    public static TheoryData<string, object> InvalidCards => new()
    {
        { "number", new { number = LuhnFailing, expMonth = 12, expYear = 2099, cvc = "123", holderName = "Ada" } },
        { "number", new { number = "4000 00AB 0000 3155", expMonth = 12, expYear = 2099, cvc = "123", holderName = "Ada" } },
        { "number", new { number = "4242", expMonth = 12, expYear = 2099, cvc = "123", holderName = "Ada" } },
        { "number", new { expMonth = 12, expYear = 2099, cvc = "123", holderName = "Ada" } },
        { "expMonth", new { number = ValidNumber, expMonth = 13, expYear = 2099, cvc = "123", holderName = "Ada" } },
        { "expYear", new { number = ValidNumber, expMonth = 1, expYear = DateTime.UtcNow.Year - 1, cvc = "123", holderName = "Ada" } },
        { "cvc", new { number = ValidNumber, expMonth = 12, expYear = 2099, cvc = "12", holderName = "Ada" } },
        { "cvc", new { number = "378282246310005", expMonth = 12, expYear = 2099, cvc = "123", holderName = "Ada" } }, // amex needs 4
        { "holderName", new { number = ValidNumber, expMonth = 12, expYear = 2099, cvc = "123", holderName = " " } },
    };

    [Theory]
    [MemberData(nameof(InvalidCards))]
    public async Task Invalid_card_input_is_a_422_naming_the_field_and_stores_nothing(string field, object body)
    {
        var spec = await BillingSpec.NewAsync(infra);
        await using var app = BillingApp.Start(infra, spec);
        using var response = await app.Client.PostAsJsonAsync("/api/payment-methods", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors names {field}: {problem}");
        Assert.DoesNotContain(LuhnFailing, problem.ToString());
        Assert.DoesNotContain(ValidNumber, problem.ToString());
        Assert.Equal(0L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM payment_methods"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM sandbox_gateway_cards"));
    }

    [Fact]
    public async Task A_card_number_never_appears_in_any_table_log_line_or_Kafka_message()
    {
        var spec = await BillingSpec.NewAsync(infra);
        // Everything logged, at every level, with request logging switched to log bodies too.
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        };
        await using var app = BillingApp.Start(infra, spec, output, settings,
            s => s.Configure<HttpLoggingOptions>(o => o.LoggingFields = HttpLoggingFields.All));
        using var events = new BookingEvents(infra.BootstrapServers, spec.BookingTopic);
        await using var relay = await RunningRelay.StartAsync(spec.ConnectionString, infra.BootstrapServers);

        using (var rejected = await app.Client.PostAsJsonAsync("/api/payment-methods",
            new { number = LuhnFailing, expMonth = 12, expYear = 2099, cvc = "123", holderName = "Ada", email = "ada@example.com" }))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        using var created = await app.Client.PostAsJsonAsync("/api/payment-methods",
            new { number = ValidSpaced, expMonth = 12, expYear = 2099, cvc = "737", holderName = "Ada Lovelace", email = "ada@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var method = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("visa", method.GetProperty("brand").GetString());
        Assert.Equal("3155", method.GetProperty("last4").GetString());
        Assert.DoesNotContain(ValidNumber, method.ToString());

        var booking = TestBooking.New(method.GetProperty("id").GetString()!);
        await events.PlacedAsync(booking);
        await events.CancelledAsync(booking, DateTimeOffset.UtcNow);
        Assert.Equal("Refunded", await Db.WaitForPaymentAsync(spec.ConnectionString, booking.BookingId, s => s == "Refunded"));

        string[] needles = [ValidNumber, ValidSpaced, LuhnFailing, "4000-0025-0000-3155"];

        // Kafka: every message on payment.events (billing's whole output), values and headers.
        var messages = TopicReader.ReadUntil(infra.BootstrapServers, "payment.events",
            m => m.Count(x => x.Key == booking.BookingId.ToString()) >= 2, TimeSpan.FromSeconds(60));
        foreach (var m in messages)
            foreach (var needle in needles)
            {
                Assert.DoesNotContain(needle, m.Value ?? "");
                Assert.DoesNotContain(needle, string.Join(";", m.Headers.Values));
            }

        // Every text, varchar, char, json and jsonb column of every table.
        var hits = await ScanDatabaseAsync(spec.ConnectionString, needles);
        Assert.True(hits.Count == 0, "card number found in: " + string.Join(", ", hits));
        Assert.True(await Db.ScalarAsync<long>(spec.ConnectionString, "SELECT count(*) FROM payment_methods") == 1);

        // Logs: request logging was live (it logged the request line) but never a body with the number.
        var lines = app.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("/api/payment-methods") && l.Contains("HttpLogging"));
        foreach (var needle in needles)
            Assert.DoesNotContain(lines, l => l.Contains(needle));
        Assert.DoesNotContain(lines, l => l.Contains("\"cvc\""));
    }

    private static async Task<List<string>> ScanDatabaseAsync(string connectionString, string[] needles)
    {
        var columns = new List<(string Table, string Column)>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) columns.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Contains(columns, c => c.Table == "outbox" && c.Column == "payload");
        Assert.Contains(columns, c => c.Table == "payment_methods");

        var hits = new List<string>();
        foreach (var (table, column) in columns)
            foreach (var needle in needles)
            {
                await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" WHERE strpos(\"{column}\"::text, $1) > 0", connection);
                cmd.Parameters.Add(new NpgsqlParameter { Value = needle });
                if ((long)(await cmd.ExecuteScalarAsync())! > 0) hits.Add($"{table}.{column}");
            }
        return hits;
    }
}
