using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hotel.EndToEnd.Tests;

/// <summary>
/// One guest's stay through the whole suite as <c>hotel run</c> starts it, nothing produced by the
/// test: the website books and posts the card to billing, billing charges, notifications mails the
/// dev inbox (smtp4dev) and reports it, the confirmation page follows live, and an agent finds the
/// guest with the whole timeline.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class GuestJourneyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SuiteRun _suite = new(throughScript: true, telemetry: true); // ./hotel run, exactly as a person starts it

    [Fact]
    public async Task A_guest_books_on_the_website_gets_both_mails_and_an_agent_sees_the_whole_stay()
    {
        var info = await _suite.StartAsync();
        Assert.NotNull(info.Inbox);
        var email = $"zoe.{Guid.NewGuid().ToString("N")[..6]}@example.com";
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(60);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = info.Services["booking"] })).NewPageAsync();
        page.SetDefaultTimeout(30_000);

        // The guest: search, details, card (posted to billing), confirmation page.
        await page.GotoAsync("/");
        await page.SelectOptionAsync("#HotelId", "lis-alfama");
        await page.FillAsync("#CheckIn", checkIn.ToString("yyyy-MM-dd"));
        await page.FillAsync("#CheckOut", checkIn.AddDays(2).ToString("yyyy-MM-dd"));
        await page.ClickAsync("#search button[type=submit]");
        await page.Locator("li.offer[data-room-type=lis-alfama-double] a.button").ClickAsync();
        await page.FillAsync("#GuestName", "Zoë Ångström");
        await page.FillAsync("#GuestEmail", email);
        await page.ClickAsync("#guest-form button[type=submit]");
        await page.FillAsync("#number", "4242 4242 4242 4242");
        await page.FillAsync("#cvc", "123");
        await page.ClickAsync("#card-form button[type=submit]");
        await page.WaitForURLAsync("**/bookings/HTL-*");
        var reference = (await page.InnerTextAsync("#reference")).Trim();
        await page.EvaluateAsync("() => { window.__noReload = true; }");

        // Billing charged it and notifications mailed it: the page follows without a reload.
        await page.WaitForSelectorAsync("#live-status[data-payment=captured]", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync("#live-status[data-email=sent]", new() { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the page was reloaded");
        await ScreenshotAsync(page, "journey-confirmation");

        // Both mails are in the dev inbox: the confirmation and the receipt with its PDF.
        using var http = new HttpClient { BaseAddress = new Uri(info.Inbox!.Url) };
        var mails = await Eventually.WaitAsync(async () => (await InboxMails.ReadAsync(http)).Where(m => m.To.Contains(email)).ToList(),
            m => m.Count >= 2, SuiteRun.Deadline, "the confirmation and the receipt in the dev inbox");
        Assert.Contains(mails, m => m.Subject.Contains(reference) && m.Subject.Contains("confirmed"));
        Assert.Contains(mails, m => m.ContentTypes.Contains("application/pdf"));

        // The agent: signs in, finds the guest by part of her name without accents, sees the stay's timeline.
        var agent = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = info.Services["customer-care"] })).NewPageAsync();
        agent.SetDefaultTimeout(30_000);
        await agent.GotoAsync("/");
        await agent.FillAsync("input[name=Email]", "agent@hotel.local");
        await agent.FillAsync("input[name=Password]", "agent-dev-password");
        await agent.ClickAsync("button[type=submit]");
        await agent.FillAsync("input[name=q]", "angstr");
        await agent.ClickAsync("form.search button");
        await agent.ClickAsync("#results a.guest-link");
        await agent.WaitForSelectorAsync($"#booking-{reference} .kind-placed");
        await agent.WaitForSelectorAsync($"#booking-{reference} .kind-payment-captured");
        await agent.WaitForSelectorAsync($"#booking-{reference} .kind-email-confirmation");
        await ScreenshotAsync(agent, "journey-agent-guest-page");

        // The booking is one trace in the telemetry dashboard: from the website's request through the relay, billing's
        // charge, notifications' processing and SMTP send, to customer care's update from EmailSent.
        Assert.NotNull(info.Telemetry);
        using var traces = new DashboardTraces(info.Telemetry!.DashboardUrl);
        var send = await Eventually.WaitAsync(async () => (await traces.SpansAsync()).FirstOrDefault(s => s.Name == "smtp send Confirmation"
                && s.Attributes.GetValueOrDefault("hotel.booking.reference") == reference),
            s => s is not null, SuiteRun.Deadline, "the confirmation's SMTP send in the dashboard");
        (string Service, string Name)[] hops =
        [
            ("relay", "publish booking.events"), ("billing", "process booking.events"), ("relay", "publish payment.events"),
            ("notifications", "process payment.events"), ("notifications", "smtp send Confirmation"), ("relay", "publish email.events"),
            ("customer-care", "process booking.events"), ("customer-care", "process email.events"),
        ];
        // Each process exports its spans in batches of its own (every few seconds): wait until every hop has arrived.
        var trace = await Eventually.WaitAsync(() => traces.SpansAsync(send!.TraceId),
            spans => hops.All(h => spans.Any(s => s.Service == h.Service && s.Name == h.Name)), SuiteRun.Deadline, "every hop of the booking in its trace");
        output.WriteLine(string.Join('\n', trace.Select(s => $"{s.Service,-14} {s.Name}")));
        Assert.Contains(trace, s => s.Service == "booking" && s.Name.StartsWith("POST ", StringComparison.Ordinal) && s.ParentSpanId is null); // the website's request: the root
        Assert.All(trace, s => Assert.Equal(send!.TraceId, s.TraceId));

        // The agent re-sends the confirmation: notifications mails a copy, a new ledger entry.
        await agent.ClickAsync($"form:has(input[name=reference][value={reference}]) button:has-text('Resend confirmation')");
        await Eventually.WaitAsync(async () => (await InboxMails.ReadAsync(http)).Count(m => m.To.Contains(email)),
            n => n >= 3, SuiteRun.Deadline, "the re-sent confirmation in the dev inbox");

        // The logs are JSON lines that name their service and their trace: the agent's resend is one trace from her
        // click through notifications' SMTP send of the copy.
        var lines = File.ReadAllLines(_suite.LogOf("customer-care")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines, l =>
        {
            Assert.True(DateTimeOffset.TryParse(l.GetProperty("timestamp").GetString(), out _));
            Assert.Equal("customer-care", l.GetProperty("service").GetString());
            Assert.False(string.IsNullOrEmpty(l.GetProperty("level").GetString()));
        });
        var resendLog = lines.Single(l => l.GetProperty("message").GetString()!.Contains($"asked to resend the confirmation of {reference}"));
        Assert.Matches("^[0-9a-f]{16}$", resendLog.GetProperty("spanId").GetString());
        await Eventually.WaitAsync(() => traces.SpansAsync(resendLog.GetProperty("traceId").GetString()!),
            spans => spans.Any(s => s.Service == "notifications" && s.Name == "smtp send Confirmation")
                && spans.Any(s => s.Service == "customer-care" && s.SpanId == resendLog.GetProperty("spanId").GetString()),
            SuiteRun.Deadline, "the span the log line names, and the resend's SMTP send, in the trace it names");
    }

    [Fact]
    public async Task Every_service_serves_a_readable_api_reference_at_scalar_under_hotel_run()
    {
        var info = await _suite.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        using var http = new HttpClient();
        foreach (var (service, url) in info.Services)
        {
            var page = await browser.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            var response = await page.GotoAsync(url + "/scalar");
            Assert.True(response!.Ok, $"{service}: {url}/scalar answered {response.Status}");
            // Rendered from the service's own OpenAPI document: the title it gives and a path of its API.
            var document = await http.GetFromJsonAsync<JsonElement>(url + "/openapi/v1.json");
            var firstPath = document.GetProperty("paths").EnumerateObject().First().Name;
            await page.GetByText(document.GetProperty("info").GetProperty("title").GetString()!).First.WaitForAsync();
            await page.GetByText(firstPath).First.WaitForAsync();
            await ScreenshotAsync(page, $"scalar-{service}");
        }
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumOptions.RequireExecutable(), Headless = true, Args = ChromiumOptions.Args });

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(_suite.Output.Length > 20_000 ? _suite.Output[^20_000..] : _suite.Output);
        await _suite.DisposeAsync();
    }
}
