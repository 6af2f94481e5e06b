namespace Hotel.Notifications.Sending;

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hotel.Eventing.Consuming;
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
/// Works the ledger's pending mail, a few entries (<see cref="SenderOptions.BatchSize"/>) per transaction: they are
/// locked (<c>FOR UPDATE SKIP LOCKED</c>, so instances never send the same entry at once), handed to the SMTP server
/// one after another, then marked sent together with their <c>EmailSent</c> outbox rows. Outages and 4xx replies leave
/// an entry pending with a later attempt time (exponential backoff, no limit: nothing is lost); a 5xx reply marks it
/// failed, and so does a mail that failed to render <see cref="SenderOptions.MaxRenderAttempts"/> times. A crash
/// between the server's accept and the commit re-sends the batch later with the same Message-IDs. A worker with
/// nothing due commits nothing and sleeps until a commit made mail due
/// (<see cref="MailSignal"/>), the next retry falls due, or the poll interval passes.
/// </summary>
public sealed class MailSender(
    IServiceScopeFactory scopes,
    MailSignal signal,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    IMeterFactory meters,
    ILogger<MailSender> logger) : BackgroundService
{
    /// <summary>The ledger's unsent mails as gauges, for as long as this sender runs.</summary>
    public MailQueueMetrics Queue { get; } = new(scopes, meters, clock);

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
            try { signalled = await signal.WaitAsync(wait, ct); }
            catch (OperationCanceledException) { break; }
            if (!signalled) await DisconnectAsync(client); // idle until a timer: do not hold the connection
        }
        await DisconnectAsync(client);
    }

    /// <returns>
    /// null when entries were attempted (there may be more); otherwise how long to sleep unless signalled: until the
    /// next pending entry falls due, at most <see cref="SenderOptions.PollInterval"/> (for mail other instances add).
    /// </returns>
    private async Task<TimeSpan?> SendNextAsync(SmtpClient client, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        db.Database.AutoSavepointsEnabled = false; // one SaveChanges, and a failure rolls everything back
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var batchSize = Math.Max(1, _sender.BatchSize);
        var emails = await db.Emails
            .Where(e => e.Status == EmailStatus.Pending && e.NextAttemptAt <= now)
            .OrderBy(e => e.NextAttemptAt)
            .Take(batchSize)
            .WithRowLock(RowLock.ForUpdateSkipLocked)
            .ToListAsync(ct);
        if (emails.Count == 0)
        {
            // Due entries locked by other workers are theirs; a later one is a retry waiting out its backoff.
            var nextDue = await db.Emails
                .Where(e => e.Status == EmailStatus.Pending && e.NextAttemptAt > now)
                .MinAsync(e => (DateTimeOffset?)e.NextAttemptAt, ct);
            await transaction.RollbackAsync(ct); // nothing was changed: nothing to commit
            var untilDue = nextDue is { } due ? due - now : _sender.PollInterval;
            return untilDue < _sender.PollInterval ? untilDue : _sender.PollInterval;
        }
        if (emails.Count == batchSize) signal.Notify(); // there may be more: another worker takes the next ones

        var bookingIds = emails.Select(e => e.BookingId).Distinct().ToList();
        var bookings = await db.Bookings.Where(b => bookingIds.Contains(b.BookingId)).ToDictionaryAsync(b => b.BookingId, ct);
        var composer = scope.ServiceProvider.GetRequiredService<MailComposer>();
        for (var i = 0; i < emails.Count; i++)
        {
            var booking = bookings.GetValueOrDefault(emails[i].BookingId)
                ?? throw new InvalidOperationException($"Mail {emails[i].Id} is pending for booking {emails[i].BookingId}, which is not in the view.");
            bool reachedServer;
            using (var span = StartSendActivity(emails[i]))
            {
                reachedServer = await AttemptAsync(client, db, composer, emails[i], booking, ct);
                if (emails[i].Status != EmailStatus.Sent) span?.SetStatus(ActivityStatusCode.Error, emails[i].LastError);
            }
            if (reachedServer) continue;
            // The server is away: the rest of the batch fails the same way, without trying it again for each.
            foreach (var untried in emails.Skip(i + 1))
            {
                untried.Attempts++;
                untried.NextAttemptAt = clock.GetUtcNow() + Backoff(untried.Attempts);
                untried.LastError = emails[i].LastError;
                Deferred.Add(1);
            }
            break;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return null;
    }

    /// <summary>
    /// The send as a span of the trace that asked for the mail (the event's processing, or the agent's resend), so the
    /// SMTP hand-over and the EmailSent event it writes (inside this span) continue that trace.
    /// </summary>
    private static Activity? StartSendActivity(Email email)
    {
        if (!ConsumerTelemetry.ActivitySource.HasListeners()) return null;
        ActivityContext.TryParse(email.TraceParent, null, isRemote: true, out var parent);
        var activity = ConsumerTelemetry.ActivitySource.StartActivity($"smtp send {email.Kind}", ActivityKind.Client, parent);
        activity?.SetTag("hotel.mail.kind", email.Kind.ToString());
        activity?.SetTag("hotel.booking.reference", email.BookingReference);
        activity?.SetTag("hotel.mail.attempt", email.Attempts + 1);
        return activity;
    }

    /// <summary>Hands one entry to the SMTP server and records the outcome on it (sent, failed for good, or retry later).</summary>
    /// <returns>false when the connection to the server failed (the entry waits for a retry).</returns>
    private async Task<bool> AttemptAsync(SmtpClient client, NotificationsDbContext db, MailComposer composer, Email email, BookingView booking, CancellationToken ct)
    {
        email.Attempts++;
        if (Render(composer, email, booking) is not { } message) return true;
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
            return true;
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            email.Status = EmailStatus.Failed;
            email.FailedAt = clock.GetUtcNow();
            email.LastError = $"{(int)e.StatusCode} {e.ErrorCode}: {e.Message}";
            Failed.Add(1);
            logger.LogError("The SMTP server refused {Kind} for {Reference} to {To} for good: {Error}", email.Kind, email.BookingReference, email.To, email.LastError);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var delay = Backoff(email.Attempts);
            email.NextAttemptAt = clock.GetUtcNow() + delay;
            email.LastError = e is SmtpCommandException command ? $"{(int)command.StatusCode} {command.ErrorCode}: {command.Message}" : $"{e.GetType().Name}: {e.Message}";
            Deferred.Add(1);
            logger.LogWarning("Attempt {Attempt} of {Kind} for {Reference} failed ({Error}); retrying in {Delay}",
                email.Attempts, email.Kind, email.BookingReference, email.LastError, delay);
            if (e is SmtpCommandException) return true; // the server answered (4xx): the connection is fine
            await DisconnectAsync(client);
            return false;
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
