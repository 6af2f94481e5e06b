namespace Hotel.CustomerCare.Pages;

using Hotel.CustomerCare.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

public sealed class LoginModel(AgentDirectory agents, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var account = agents.Authenticate(Email, Password);
        if (account is null)
        {
            logger.LogWarning("Failed sign-in for {Email}", Email);
            Error = "Unknown e-mail or wrong password.";
            Password = null;
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            AgentDirectory.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme));
        logger.LogInformation("{Email} signed in as {Role}", account.Email, account.Role);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
