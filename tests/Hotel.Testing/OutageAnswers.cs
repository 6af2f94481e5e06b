using System.Net;
using System.Text.Json;
using Xunit;

namespace Hotel.Testing;

/// <summary>What every service answers while its database is away.</summary>
public static class OutageAnswers
{
    /// <summary>503, Retry-After of a few seconds, a problem body that says what to do and names no internals.</summary>
    public static async Task AssertUnavailableProblemAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {body}");
        AssertRetryAfter(response, what);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("The service is briefly unavailable", problem.RootElement.GetProperty("title").GetString());
        AssertNoInternals(body, what);
    }

    /// <summary>A browser's request: 503 with Retry-After and a short HTML page.</summary>
    public static async Task AssertUnavailablePageAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {body}");
        AssertRetryAfter(response, what);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("briefly unavailable", body);
        AssertNoInternals(body, what);
    }

    private static void AssertRetryAfter(HttpResponseMessage response, string what)
    {
        var seconds = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.True(seconds is >= 1 and <= 30, $"{what}: Retry-After {response.Headers.RetryAfter}");
    }

    private static void AssertNoInternals(string body, string what)
    {
        foreach (var word in new[] { "Npgsql", "Exception", "postgres", "57P01", "55000", "at Hotel." })
            Assert.False(body.Contains(word, StringComparison.OrdinalIgnoreCase), $"{what} names {word}: {body}");
    }
}
