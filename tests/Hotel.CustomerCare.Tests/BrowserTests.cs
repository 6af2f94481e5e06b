namespace Hotel.CustomerCare.Tests;

using Hotel.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

/// <summary>Debian's chromium, driven by Playwright: what an agent sees and does.</summary>
[Collection(CareCollection.Name)]
public sealed class BrowserTests(InfraFixture infra, ITestOutputHelper output)
{

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumOptions.RequireExecutable(), Headless = true, Args = ChromiumOptions.Args });

    [Fact]
    public async Task Agent_signs_in_finds_a_guest_by_partial_name_and_watches_a_new_booking_arrive_live()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var earlier = new Wire.Stay(Guid.NewGuid(), "HTOLD" + Random.Shared.Next(1000, 9999), "Zoë Ångström", "zoe.browser@example.com", today.AddDays(-60), 3, 330m);
        var fresh = earlier with { BookingId = Guid.NewGuid(), Reference = "HTNEW" + Random.Shared.Next(1000, 9999), CheckIn = today.AddDays(14), Nights = 2, Total = 240m };

        await using var app = await CareApp.StartAsync(infra, output);
        await app.ProduceAsync([Wire.Placed(earlier, DateTimeOffset.UtcNow.AddDays(-70)), Wire.Captured(earlier, 330m, DateTimeOffset.UtcNow.AddDays(-70))], infra.BootstrapServers);
        await app.WaitForAppliedAsync(2);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = app.BaseAddress.ToString() });
        page.SetDefaultTimeout(15_000);

        // Signing in: the search page sends a stranger to the sign-in page first.
        await page.GotoAsync("/");
        Assert.Contains("/Login", page.Url);
        await page.FillAsync("input[name=Email]", CareApp.Agent);
        await page.FillAsync("input[name=Password]", CareApp.AgentPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#feed-state[data-state=live]");

        // Partial name, no accents, other case.
        await page.FillAsync("input[name=q]", "ANGSTR");
        await page.ClickAsync("form.search button");
        await page.ClickAsync("#results a.guest-link");
        await page.WaitForSelectorAsync("#guest-name");
        Assert.Equal("Zoë Ångström", await page.TextContentAsync("#guest-name"));
        Assert.Equal("Returning", (await page.TextContentAsync("#loyalty .tier"))?.Trim());
        await page.WaitForSelectorAsync("#feed-state[data-state=live]");

        // A booking placed now appears in the live feed and on the guest page, without a reload.
        await page.EvaluateAsync("() => { window.__noReload = true; }");
        await app.ProduceAsync([Wire.Placed(fresh, DateTimeOffset.UtcNow)], infra.BootstrapServers);
        await page.WaitForSelectorAsync($"#feed li[data-reference={fresh.Reference}]");
        await page.WaitForSelectorAsync($"#booking-{fresh.Reference} .kind-placed");
        Assert.Equal("2", (await page.TextContentAsync("#total-stays"))?.Trim());

        // Its timeline advances as billing and notifications report.
        await app.ProduceAsync([Wire.Captured(fresh, 240m, DateTimeOffset.UtcNow)], infra.BootstrapServers);
        await page.WaitForSelectorAsync($"#booking-{fresh.Reference} .kind-payment-captured");
        await app.ProduceAsync([Wire.EmailSent(fresh, "Confirmation", DateTimeOffset.UtcNow)], infra.BootstrapServers);
        await page.WaitForSelectorAsync($"#booking-{fresh.Reference} .kind-email-confirmation");
        Assert.Equal("570.00 EUR", (await page.TextContentAsync("#total-spend"))?.Trim());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the page was reloaded");

        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        var screenshot = Path.Combine(artifacts, "guest-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"guest page screenshot: {screenshot}");
        Console.WriteLine($"guest page screenshot: {screenshot}");
    }
}
