using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// The dev inbox's mails (smtp4dev's REST API: the list, then each message's headers and parts, read once). A sender
/// killed between the SMTP reply and its commit sends that batch again with the same Message-IDs (see README): one mail
/// per Message-ID is what a receiver keeps, so that is what the tests count.
/// </summary>
public static class InboxMails
{
    public sealed record Mail(string Subject, string MessageId, IReadOnlyList<string> To, IReadOnlyList<string> ContentTypes);

    private static readonly ConcurrentDictionary<(Uri?, string), Mail> Read = new();

    public static async Task<List<Mail>> ReadAsync(HttpClient inbox)
    {
        var list = await inbox.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=100000");
        var mails = new List<Mail>();
        foreach (var summary in list.GetProperty("results").EnumerateArray())
        {
            var id = summary.GetProperty("id").GetString()!;
            if (!Read.TryGetValue((inbox.BaseAddress, id), out var mail))
            {
                var message = await inbox.GetFromJsonAsync<JsonElement>($"/api/messages/{id}");
                mail = new Mail(
                    summary.GetProperty("subject").GetString()!,
                    message.GetProperty("headers").EnumerateArray().First(h => h.GetProperty("name").GetString()!.Equals("Message-ID", StringComparison.OrdinalIgnoreCase)).GetProperty("value").GetString()!,
                    [.. summary.GetProperty("to").EnumerateArray().Select(t => t.GetString()!)],
                    [.. message.GetProperty("parts").EnumerateArray().SelectMany(ContentTypes)]);
                Read[(inbox.BaseAddress, id)] = mail;
            }
            mails.Add(mail);
        }
        return mails;
    }

    /// <summary>The media types of a MIME part and every part inside it (<c>application/pdf</c> for a receipt's attachment).</summary>
    private static IEnumerable<string> ContentTypes(JsonElement part) =>
        part.GetProperty("headers").EnumerateArray()
            .Where(h => h.GetProperty("name").GetString()!.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(h => h.GetProperty("value").GetString()!.Split(';')[0].Trim().ToLowerInvariant())
            .Concat(part.GetProperty("childParts").EnumerateArray().SelectMany(ContentTypes));
}
