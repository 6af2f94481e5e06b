namespace Hotel.CustomerCare.Pages;

using System.Globalization;
using Hotel.CustomerCare.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

public sealed class LoginModel(AgentSignIn signIn, TimeProvider clock, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var outcome = signIn.Attempt(Email, Password, HttpContext);
        Password = null;
        if (outcome.LockedOut)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = outcome.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            var minutes = (int)Math.Ceiling(outcome.RetryAfterSeconds / 60.0);
            Error = $"Too many failed sign-ins for this account or from this connection. Please try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
            return Page();
        }
        if (outcome.Account is not { } account)
        {
            Error = "Unknown e-mail or wrong password.";
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            AgentDirectory.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme), AuthSetup.NewCookieProperties(clock));
        logger.LogInformation("{Email} signed in as {Role}", account.Email, account.Role);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
