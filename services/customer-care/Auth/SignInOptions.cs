namespace Hotel.CustomerCare.Auth;

/// <summary>Section <c>SignIn</c>: how many wrong passwords are tolerated, and how often a cookie is re-checked.</summary>
public sealed class SignInOptions
{
    public const string Section = "SignIn";

    /// <summary>Failed sign-ins for one account within <see cref="Window"/> before it is locked out.</summary>
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed sign-ins from one client address (any accounts) within <see cref="Window"/> before it is locked out.</summary>
    public int MaxFailuresPerClient { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How old a cookie's last check against the agent directory may be; a removed or demoted agent loses access within it.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
