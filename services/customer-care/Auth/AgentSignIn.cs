namespace Hotel.CustomerCare.Auth;

/// <summary>What a sign-in attempt came to: the agent, or nobody, or a lockout with how long to wait.</summary>
public sealed record SignInOutcome(AgentAccount? Account, TimeSpan? RetryAfter)
{
    public bool LockedOut => RetryAfter is not null;

    /// <summary>Whole seconds for a <c>Retry-After</c> header.</summary>
    public int RetryAfterSeconds => (int)Math.Max(1, Math.Ceiling(RetryAfter?.TotalSeconds ?? 1));
}

/// <summary>A sign-in, for the sign-in page and HTTP Basic alike: the throttle first, the password hash only if it allows.</summary>
public sealed class AgentSignIn(AgentDirectory agents, SignInThrottle throttle, ILogger<AgentSignIn> logger)
{
    public SignInOutcome Attempt(string? email, string? password, HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)) return new(null, null);
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.TryBegin(email, client) is { } wait)
        {
            logger.LogWarning("Sign-in for {Email} from {Client} refused: locked out for {Seconds:0} s", email, client, wait.TotalSeconds);
            return new(null, wait);
        }
        var account = agents.Authenticate(email, password);
        throttle.End(email, client, succeeded: account is not null);
        if (account is null) logger.LogWarning("Failed sign-in for {Email} from {Client}", email, client);
        return new(account, null);
    }
}
