namespace Hotel.Notifications.Mail;

using MailKit.Security;

/// <summary>Section <c>Notifications</c>.</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>Kafka consumer group; a new name re-reads every topic from the earliest offset (replay).</summary>
    public string ConsumerGroup { get; set; } = "notifications";

    /// <summary>TrueType font embedded in PDF receipts.</summary>
    public string ReceiptFont { get; set; } = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    public SenderOptions Sender { get; set; } = new();
}

/// <summary>Section <c>Notifications:Sender</c>: how the background sender works the pending mail.</summary>
public sealed class SenderOptions
{
    /// <summary>
    /// Longest sleep of an idle worker. Commits in this process that make mail due wake it at once, and it wakes
    /// for the next retry by itself; the poll is only for mail that other instances make due.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait after the first failed attempt (outage, 4xx); doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Attempts (with the backoff above) after which a mail that fails to render — the same data renders the same
    /// way — is marked failed instead of retried forever (default 5).
    /// </summary>
    public int MaxRenderAttempts { get; set; } = 5;

    /// <summary>Mails sent at once, each over its own SMTP connection (default 4).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// Most mails a worker takes in one transaction (default 10): sent one after another over its connection, then
    /// marked sent with one commit. A crash before that commit re-sends them, with the same Message-IDs.
    /// </summary>
    public int BatchSize { get; set; } = 10;
}

/// <summary>Section <c>Smtp</c>: the server mail is handed to (default: a local dev server on 127.0.0.1:2525, no TLS).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 2525;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's SecureSocketOptions).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.None;

    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string FromAddress { get; set; } = "reservations@hotel.example";
    public string FromName { get; set; } = "Hotel Reservations";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
