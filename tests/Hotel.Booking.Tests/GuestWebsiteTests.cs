namespace Hotel.Booking.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Hotel.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

/// <summary>The guest website in Debian's chromium (Playwright), against booking + billing + relay on the embedded broker.</summary>
[Collection(BookingCollection.Name)]
public sealed class GuestWebsiteTests(InfraFixture infra, ITestOutputHelper output)
{
    private static readonly TimeSpan EventDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_guest_searches_books_with_4242_and_watches_payment_and_confirmation_email_arrive_without_reload_then_cancels()
    {
        await using var site = await GuestSite.StartAsync(infra, output);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await GuestSite.LaunchAsync(playwright);
        var desktop = await site.NewContextAsync(browser, GuestSite.Desktop);
        var page = await desktop.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var checkIn = BookingApp.Day(50);
        var checkOut = BookingApp.Day(53);
        const string email = "grace.hopper@example.com";

        // Search.
        await page.GotoAsync("/");
        await GuestSite.ScreenshotAsync(page, "home-desktop", output);
        await page.SelectOptionAsync("#HotelId", "lis-alfama");
        await page.FillAsync("#CheckIn", checkIn.ToString("yyyy-MM-dd"));
        await page.FillAsync("#CheckOut", checkOut.ToString("yyyy-MM-dd"));
        await page.SelectOptionAsync("#Guests", "2");
        await page.ClickAsync("#search button[type=submit]");
        var offer = page.Locator("li.offer[data-room-type=lis-alfama-double]");
        await offer.WaitForAsync();
        var offerText = await offer.InnerTextAsync();
        Assert.Contains("€139.00", offerText);          // nightly rate
        Assert.Contains("€417.00", offerText);          // 3 nights
        Assert.Equal("rgb(15, 92, 90)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor")); // site.css served
        await GuestSite.ScreenshotAsync(page, "home-results-desktop", output);
        var searchUrl = page.Url;

        // Guest details, then the card form (posted straight to billing).
        await offer.Locator("a.button").ClickAsync();
        await page.WaitForSelectorAsync("#guest-form");
        var bookUrl = page.Url;
        await GuestSite.ScreenshotAsync(page, "booking-desktop", output);
        await page.FillAsync("#GuestName", "Grace Hopper");
        await page.FillAsync("#GuestEmail", email);
        await page.ClickAsync("#guest-form button[type=submit]");
        await page.WaitForSelectorAsync("#card-form");
        Assert.Equal(new Uri(site.BillingUrl, "/payment-methods/form").ToString(), await page.GetAttributeAsync("#card-form", "action"));
        Assert.Contains("4242 4242 4242 4242", await page.InnerTextAsync("#test-cards"));
        await GuestSite.ScreenshotAsync(page, "checkout-desktop", output);
        await page.FillAsync("#number", "4242 4242 4242 4242");
        await page.FillAsync("#cvc", "123");
        await page.ClickAsync("#card-form button[type=submit]");

        // The confirmation page, whose status advances by itself.
        await WaitForBookingPageAsync(page);
        var reference = (await page.InnerTextAsync("#reference")).Trim();
        await page.EvaluateAsync("() => { window.__noReload = true; }");
        try
        {
            await Eventually.WaitAsync(() => site.ScalarAsync<string>(site.BookingDb, "SELECT status FROM bookings WHERE reference = $1", reference),
                s => s == "Paid", EventDeadline, "billing's PaymentCaptured applied by booking");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"billing payments: {await site.ScalarAsync<long>(site.BillingDb, "SELECT count(*) FROM payments")}, billing outbox: {await site.ScalarAsync<long>(site.BillingDb, "SELECT count(*) FROM outbox")}, billing inbox: {await site.ScalarAsync<long>(site.BillingDb, "SELECT count(*) FROM inbox")}, booking inbox: {await site.ScalarAsync<long>(site.BookingDb, "SELECT count(*) FROM inbox")}");
            throw;
        }
        await page.WaitForSelectorAsync("#live-status[data-payment=captured]");
        Assert.Contains("€417.00 captured", await page.InnerTextAsync("#payment-text"));
        var bookingId = await site.ScalarAsync<Guid>(site.BookingDb, "SELECT id FROM bookings WHERE reference = $1", reference);
        await site.ProduceEmailSentAsync(bookingId, reference, email);
        await page.WaitForSelectorAsync("#live-status[data-email=sent]");
        Assert.Contains($"Confirmation e-mail sent to {email}", await page.InnerTextAsync("#email-text"));
        Assert.Equal("Your room is confirmed.", (await page.InnerTextAsync("#status-headline")).Trim());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the page was reloaded");
        await GuestSite.ScreenshotAsync(page, "confirmation-desktop", output);

        Assert.Equal("Paid", await site.ScalarAsync<string>(site.BookingDb, "SELECT status FROM bookings WHERE id = $1", bookingId));
        Assert.Equal("4242", await site.ScalarAsync<string>(site.BillingDb, "SELECT last4 FROM payment_methods"));
        foreach (var table in new[] { "bookings", "outbox", "checkout_drafts", "inbox" })
            Assert.Equal(0L, await site.ScalarAsync<long>(site.BookingDb, $"SELECT count(*) FROM {table} t WHERE t::text LIKE '%4242424242424242%'"));

        // The same pages on a phone: no sideways scrolling.
        var phone = await site.NewContextAsync(browser, GuestSite.Phone);
        await phone.AddCookiesAsync((await desktop.CookiesAsync()).Select(c => new Cookie
        {
            Name = c.Name,
            Value = c.Value,
            Domain = c.Domain,
            Path = c.Path,
            HttpOnly = c.HttpOnly,
            Secure = c.Secure,
            SameSite = c.SameSite,
            Expires = c.Expires,
        }));
        var mobile = await phone.NewPageAsync();
        mobile.SetDefaultTimeout(20_000);
        foreach (var (url, name, ready) in new[] { (searchUrl, "home-phone", "#results"), (bookUrl, "booking-phone", "#guest-form"), ($"/bookings/{reference}", "confirmation-phone", "#live-status[data-email=sent]") })
        {
            await mobile.GotoAsync(url);
            await mobile.WaitForSelectorAsync(ready);
            Assert.True(await mobile.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{name} scrolls sideways");
            await GuestSite.ScreenshotAsync(mobile, name, output);
        }

        // Cancel: the refund is shown before confirming (50 days ahead: full refund).
        await page.ClickAsync("#cancel summary");
        Assert.Contains("full refund of €417.00", await page.InnerTextAsync("#refund-quote"));
        await page.ClickAsync("#cancel-form button[type=submit]");
        await page.WaitForSelectorAsync("#cancelled-notice");
        Assert.Equal("Cancelled", (await page.InnerTextAsync("#step-booked-text")).Trim());
        Assert.Equal("Cancelled", await site.ScalarAsync<string>(site.BookingDb, "SELECT status FROM bookings WHERE id = $1", bookingId));
    }

    [Fact]
    public async Task Declined_card_and_sold_out_are_explained_and_leave_no_booking_behind_and_a_wrong_email_is_refused()
    {
        await using var site = await GuestSite.StartAsync(infra, output);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await GuestSite.LaunchAsync(playwright);
        var context = await site.NewContextAsync(browser, GuestSite.Desktop);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);

        // The form explains bad dates instead of failing.
        var today = BookingApp.Day(0);
        await page.GotoAsync($"/?HotelId=ams-canal&CheckIn={today.AddDays(-1):yyyy-MM-dd}&CheckOut={today.AddDays(2):yyyy-MM-dd}&Guests=2");
        Assert.Contains("cannot be in the past", await page.InnerTextAsync("#CheckIn-error"));
        await page.GotoAsync($"/?HotelId=ams-canal&CheckIn={today.AddDays(5):yyyy-MM-dd}&CheckOut={today.AddDays(5):yyyy-MM-dd}&Guests=2");
        Assert.Contains("at least one day after check-in", await page.InnerTextAsync("#CheckOut-error"));
        await page.GotoAsync($"/?HotelId=ams-canal&CheckIn={today.AddDays(5):yyyy-MM-dd}&CheckOut={today.AddDays(36):yyyy-MM-dd}&Guests=2");
        Assert.Contains("at most 30 nights", await page.InnerTextAsync("#CheckOut-error"));
        Assert.Equal(0, await page.Locator("#results").CountAsync());

        // Declined: the page says so in plain words, and the booking is cancelled with its nights released.
        var checkIn = BookingApp.Day(60);
        var checkOut = BookingApp.Day(62);
        await StartCheckoutAsync(page, "ber-mitte", "ber-mitte-single", checkIn, checkOut, "declined@example.com");
        await page.FillAsync("#number", "4000 0000 0000 0002");
        await page.FillAsync("#cvc", "123");
        await page.ClickAsync("#card-form button[type=submit]");
        await WaitForBookingPageAsync(page);
        await page.WaitForSelectorAsync("#live-status[data-payment=failed]");
        Assert.Contains("declined the card", await page.InnerTextAsync("#status-next"));
        Assert.Contains("book again with a different card", await page.InnerTextAsync("#status-next"));
        await page.WaitForSelectorAsync("#live-status[data-booking=cancelled]");
        Assert.Contains("Nothing was charged", await page.InnerTextAsync("#status-next"));
        await Eventually.WaitAsync(async () => await site.ScalarAsync<long>(site.BookingDb,
                "SELECT count(*) FROM bookings WHERE guest_email = 'declined@example.com' AND status <> 'Cancelled'") == 0
            && await site.ScalarAsync<long>(site.BookingDb, "SELECT coalesce(sum(booked), 0)::bigint FROM room_nights WHERE room_type_id = 'ber-mitte-single'") == 0,
            EventDeadline, "the declined booking cancelled and its nights released");
        await GuestSite.ScreenshotAsync(page, "declined-desktop", output);

        // Sold out between the search and the card form: someone else takes the only Imperial Suite meanwhile.
        var suiteIn = BookingApp.Day(70);
        var suiteOut = BookingApp.Day(71);
        await StartCheckoutAsync(page, "vie-opera", "vie-opera-suite", suiteIn, suiteOut, "late@example.com");
        using var http = new HttpClient { BaseAddress = site.BookingUrl };
        using var billing = new HttpClient { BaseAddress = site.BillingUrl };
        var card = await (await billing.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 2, cvc = "123", holderName = "Rival", email = "rival@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        // The rival's token is theirs alone: under the late guest's address it books nothing.
        using (var stolen = await http.PostAsJsonAsync("/api/bookings", new
        {
            hotelId = "vie-opera",
            roomTypeId = "vie-opera-suite",
            checkIn = suiteIn,
            checkOut = suiteOut,
            guest = new { name = "Late Guest", email = "late@example.com" },
            paymentMethodId = card.GetProperty("id").GetString(),
        }))
        {
            Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, stolen.StatusCode);
            Assert.Contains("paymentMethodId", await stolen.Content.ReadAsStringAsync());
        }
        using var rival = await http.PostAsJsonAsync("/api/bookings", new
        {
            hotelId = "vie-opera",
            roomTypeId = "vie-opera-suite",
            checkIn = suiteIn,
            checkOut = suiteOut,
            guest = new { name = "Rival Guest", email = "rival@example.com" },
            paymentMethodId = card.GetProperty("id").GetString(),
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, rival.StatusCode);
        var rivalReference = (await rival.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
        await page.FillAsync("#number", "4242 4242 4242 4242");
        await page.FillAsync("#cvc", "123");
        await page.ClickAsync("#card-form button[type=submit]");
        await page.WaitForSelectorAsync("#sold-out");
        var soldOut = await page.InnerTextAsync("#sold-out");
        Assert.Contains("just sold out", soldOut);
        Assert.Contains("nothing has been charged", soldOut);
        await GuestSite.ScreenshotAsync(page, "sold-out-desktop", output);
        Assert.Equal(0L, await site.ScalarAsync<long>(site.BookingDb, "SELECT count(*) FROM bookings WHERE guest_email = 'late@example.com'"));
        Assert.Equal(0L, await site.ScalarAsync<long>(site.BookingDb, "SELECT count(*) FROM checkout_drafts WHERE guest_email = 'late@example.com'"));
        Assert.Equal(1L, await site.ScalarAsync<long>(site.BookingDb, "SELECT coalesce(sum(booked), 0)::bigint FROM room_nights WHERE room_type_id = 'vie-opera-suite'"));

        // Another browser knows the reference but not the e-mail: refused, with nothing of the booking shown.
        var stranger = await (await site.NewContextAsync(browser, GuestSite.Desktop)).NewPageAsync();
        stranger.SetDefaultTimeout(20_000);
        var response = await stranger.GotoAsync($"/bookings/{rivalReference}");
        await stranger.WaitForSelectorAsync("#access-form");
        Assert.DoesNotContain("Rival Guest", await stranger.ContentAsync());
        await stranger.FillAsync("#Email", "late@example.com");
        await stranger.ClickAsync("#access-form button[type=submit]");
        await stranger.WaitForSelectorAsync("#access-refused");
        Assert.DoesNotContain("Rival Guest", await stranger.ContentAsync());
        using (var events = await http.GetAsync($"/bookings/{rivalReference}/events"))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, events.StatusCode);
        // The right e-mail opens it.
        await stranger.FillAsync("#Email", "RIVAL@example.com");
        await stranger.ClickAsync("#access-form button[type=submit]");
        await stranger.WaitForSelectorAsync("#live-status");
        Assert.Equal(rivalReference, (await stranger.InnerTextAsync("#reference")).Trim());
    }

    /// <summary>Billing's form redirects to checkout completion, which redirects to the booking; on a wrong turn, says where it ended.</summary>
    private async Task WaitForBookingPageAsync(IPage page)
    {
        try
        {
            // Committed navigation is enough: the callers wait for what they read. The load event can lag behind
            // the page (a live-status stream opening as it loads), and waiting for it once timed out here.
            await page.WaitForURLAsync("**/bookings/HTL-*", new() { WaitUntil = WaitUntilState.Commit });
            await page.WaitForSelectorAsync("#live-status");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"ended at {page.Url}:\n{await page.ContentAsync()}");
            throw;
        }
    }

    /// <summary>Search → Book → guest details, leaving the page on the card form.</summary>
    private static async Task StartCheckoutAsync(IPage page, string hotelId, string roomTypeId, DateOnly checkIn, DateOnly checkOut, string email)
    {
        await page.GotoAsync($"/?HotelId={hotelId}&CheckIn={checkIn:yyyy-MM-dd}&CheckOut={checkOut:yyyy-MM-dd}&Guests=1");
        await page.ClickAsync($"li.offer[data-room-type={roomTypeId}] a.button");
        await page.WaitForSelectorAsync("#guest-form");
        await page.FillAsync("#GuestName", "Test Guest");
        await page.FillAsync("#GuestEmail", email);
        await page.ClickAsync("#guest-form button[type=submit]");
        await page.WaitForSelectorAsync("#card-form");
    }
}
