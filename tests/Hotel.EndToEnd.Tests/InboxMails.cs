using System.Net.Http.Json;
using System.Text.Json;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// The dev inbox's mails, one per Message-ID. A sender killed between the SMTP reply and its commit sends that batch
/// again with the same Message-IDs (see README): one mail per Message-ID is what a receiver keeps, so that is what counts.
/// </summary>
public static class InboxMails
{
    public sealed record Mail(string Subject, string MessageId);

    public static async Task<List<Mail>> ReadAsync(HttpClient inbox) =>
        (await inbox.GetFromJsonAsync<JsonElement>("/api/email")).EnumerateArray()
            .Select(m => new Mail(m.GetProperty("subject").GetString()!, MessageIdOf(m))).ToList();

    /// <summary>maildev's parsed <c>messageId</c>, or the raw header.</summary>
    private static string MessageIdOf(JsonElement mail) =>
        mail.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()!
        : mail.GetProperty("headers").GetProperty("message-id").GetString()!;
}
