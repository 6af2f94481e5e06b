namespace Hotel.Notifications.Sending;

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hotel.Eventing.Outbox;
using Hotel.Notifications.Bookings;
using Hotel.Notifications.Infrastructure;
using Hotel.Notifications.IntegrationEvents;
using Hotel.Notifications.Mail;
using Hotel.ServiceDefaults;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

/// <summary>
/// Works the ledger's pending mail, one entry at a time, each in its own transaction: the entry is
/// locked (<c>FOR UPDATE SKIP LOCKED</c>, so instances never send the same entry at once), handed to the
/// SMTP server, then marked sent together with its <c>EmailSent</c> outbox row. Outages and 4xx replies
/// leave it pending with a later attempt time (exponential backoff, no limit: nothing is lost); a 5xx
/// reply marks it failed, and so does a mail that failed to render <see cref="SenderOptions.MaxRenderAttempts"/> times. A crash between the server's accept and the commit re-sends it later with the
/// same Message-ID. A worker with nothing due commits nothing and sleeps until a commit made mail due
/// (<see cref="MailSignal"/>), the next retry falls due, or the poll interval passes.
/// </summary>
public sealed class MailSender(
    IServiceScopeFactory scopes,
    MailSignal signal,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<MailSender> logger) : BackgroundService
{
    private static readonly Meter Meter = new("Hotel");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("hotel.notifications.emails_sent", "{email}", "Mails the SMTP server accepted");
    private static readonly Counter<long> Deferred = Meter.CreateCounter<long>("hotel.notifications.emails_deferred", "{email}", "Attempts that failed temporarily (outage, 4xx) and will be retried");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("hotel.notifications.emails_failed", "{email}", "Mails the SMTP server refused for good (5xx) or that could not be rendered");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("hotel.notifications.commit_to_accept", "ms",
        "From the event that asked for the mail (its occurredAt, written in the publisher's transaction) to the SMTP server's accept");

    private readonly SmtpOptions _smtp = smtpOptions.Value;
    private readonly SenderOptions _sender = options.Value.Sender;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Sending mail through {Host}:{Port} ({Security}), {Workers} connection(s)", _smtp.Host, _smtp.Port, _smtp.Security, _sender.Concurrency);
        // Each worker has its own SMTP connection; SKIP LOCKED hands them different entries.
        return Task.WhenAll(Enumerable.Range(0, Math.Max(1, _sender.Concurrency))
            .Select(_ => Task.Run(() => RunAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = (int)_smtp.Timeout.TotalMilliseconds };
        while (!ct.IsCancellationRequested)
        {
            var wake = signal.Next; // before looking: a commit from here on wakes this worker
            TimeSpan? idle;
            try
            {
                idle = await SendNextAsync(client, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database is unreachable, or the like: nothing was marked; try again after a pause.
                logger.LogError(e, "The mail sender could not work the ledger; retrying");
                await DisconnectAsync(client);
                idle = _sender.RetryBaseDelay;
            }
            if (idle is not { } wait) continue; // an entry was attempted: there may be more
            bool signalled;
            try { signalled = await MailSignal.WaitAsync(wake, wait, ct); }
            catch (OperationCanceledException) { break; }
            if (!signalled) await DisconnectAsync(client); // idle until a timer: do not hold the connection
        }
        await DisconnectAsync(client);
    }

    /// <returns>
    /// null when an entry was attempted (there may be more); otherwise how long to sleep unless signalled: until the
    /// next pending entry falls due, at most <see cref="SenderOptions.PollInterval"/> (for mail other instances add).
    /// </returns>
    private async Task<TimeSpan?> SendNextAsync(SmtpClient client, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var email = await db.Emails
            .Where(e => e.Status == EmailStatus.Pending && e.NextAttemptAt <= now)
            .OrderBy(e => e.NextAttemptAt)
            .WithRowLock(RowLock.ForUpdateSkipLocked)
            .FirstOrDefaultAsync(ct);
        if (email is null)
        {
            // Due entries locked by other workers are theirs; a later one is a retry waiting out its backoff.
            var nextDue = await db.Emails
                .Where(e => e.Status == EmailStatus.Pending && e.NextAttemptAt > now)
                .MinAsync(e => (DateTimeOffset?)e.NextAttemptAt, ct);
            await transaction.RollbackAsync(ct); // nothing was changed: nothing to commit
            var untilDue = nextDue is { } due ? due - now : _sender.PollInterval;
            return untilDue < _sender.PollInterval ? untilDue : _sender.PollInterval;
        }

        var booking = await db.Bookings.SingleAsync(b => b.BookingId == email.BookingId, ct);
        var composer = scope.ServiceProvider.GetRequiredService<MailComposer>();
        await AttemptAsync(client, db, composer, email, booking, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return null;
    }

    /// <summary>Hands one entry to the SMTP server and records the outcome on it (sent, failed for good, or retry later).</summary>
    private async Task AttemptAsync(SmtpClient client, NotificationsDbContext db, MailComposer composer, Email email, BookingView booking, CancellationToken ct)
    {
        email.Attempts++;
        if (Render(composer, email, booking) is not { } message) return;
        try
        {
            email.To = message.To.Mailboxes.First().Address;
            email.Subject = message.Subject;
            await EnsureConnectedAsync(client, ct);
            await client.SendAsync(message, ct);

            var acceptedAt = clock.GetUtcNow();
            var sentAt = acceptedAt.AddTicks(-(acceptedAt.Ticks % 10)); // PostgreSQL keeps microseconds: the ledger and the event say the same instant
            email.Status = EmailStatus.Sent;
            email.SentAt = sentAt;
            email.LastError = null;
            db.AddToOutbox(NotificationsDbContext.EmailAggregateType, email.BookingId.ToString(), new EmailSentIntegrationEvent(
                email.BookingId, email.BookingReference, email.Kind.ToString(), email.To, sentAt, email.MessageId, email.Resend));
            Sent.Add(1, new KeyValuePair<string, object?>("hotel.mail.kind", email.Kind.ToString()));
            Latency.Record((sentAt - (email.EventOccurredAt ?? email.CreatedAt)).TotalMilliseconds,
                new KeyValuePair<string, object?>("hotel.mail.kind", email.Kind.ToString()));
            logger.LogDebug("Sent {Kind} for {Reference} to {To} ({MessageId}, attempt {Attempt})",
                email.Kind, email.BookingReference, email.To, email.MessageId, email.Attempts);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            email.Status = EmailStatus.Failed;
            email.FailedAt = clock.GetUtcNow();
            email.LastError = $"{(int)e.StatusCode} {e.ErrorCode}: {e.Message}";
            Failed.Add(1);
            logger.LogError("The SMTP server refused {Kind} for {Reference} to {To} for good: {Error}", email.Kind, email.BookingReference, email.To, email.LastError);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var delay = Backoff(email.Attempts);
            email.NextAttemptAt = clock.GetUtcNow() + delay;
            email.LastError = e is SmtpCommandException command ? $"{(int)command.StatusCode} {command.ErrorCode}: {command.Message}" : $"{e.GetType().Name}: {e.Message}";
            Deferred.Add(1);
            logger.LogWarning("Attempt {Attempt} of {Kind} for {Reference} failed ({Error}); retrying in {Delay}",
                email.Attempts, email.Kind, email.BookingReference, email.LastError, delay);
            if (e is not SmtpCommandException) await DisconnectAsync(client);
        }
    }

    /// <summary>
    /// The MIME message, or null when rendering threw: retried with backoff (a missing font file may be installed
    /// meanwhile) until <see cref="SenderOptions.MaxRenderAttempts"/>, then marked failed, since the same data
    /// renders the same way and would otherwise be retried forever.
    /// </summary>
    private MimeMessage? Render(MailComposer composer, Email email, BookingView booking)
    {
        try
        {
            return composer.Compose(email, booking, new MailboxAddress(_smtp.FromName, _smtp.FromAddress));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            email.LastError = $"Rendering failed: {e.GetType().Name}: {e.Message}";
            if (email.Attempts >= Math.Max(1, _sender.MaxRenderAttempts))
            {
                email.Status = EmailStatus.Failed;
                email.FailedAt = clock.GetUtcNow();
                Failed.Add(1);
                logger.LogError(e, "{Kind} for {Reference} could not be rendered in {Attempts} attempts; marked failed",
                    email.Kind, email.BookingReference, email.Attempts);
                return null;
            }
            var delay = Backoff(email.Attempts);
            email.NextAttemptAt = clock.GetUtcNow() + delay;
            Deferred.Add(1);
            logger.LogWarning(e, "Attempt {Attempt} to render {Kind} for {Reference} failed; retrying in {Delay}",
                email.Attempts, email.Kind, email.BookingReference, delay);
            return null;
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var exponential = _sender.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(exponential, _sender.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4)); // jitter, so instances do not retry in step
    }

    private async Task EnsureConnectedAsync(SmtpClient client, CancellationToken ct)
    {
        if (client.IsConnected) return;
        await client.ConnectAsync(_smtp.Host, _smtp.Port, _smtp.Security, ct);
        if (!string.IsNullOrEmpty(_smtp.UserName) && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            await client.AuthenticateAsync(_smtp.UserName, _smtp.Password ?? "", ct);
    }

    private async Task DisconnectAsync(SmtpClient client)
    {
        if (!client.IsConnected) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Debug.WriteLine(e); // the connection is gone either way
        }
    }
}
