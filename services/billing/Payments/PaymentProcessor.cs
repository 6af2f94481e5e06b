namespace Hotel.Billing.Payments;

using Hotel.Billing.Fraud;
using Hotel.Billing.Gateways;
using Hotel.Billing.Infrastructure;
using Hotel.Billing.IntegrationEvents;
using Hotel.Billing.PaymentMethods;
using Hotel.Eventing.Outbox;
using Hotel.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

/// <summary>
/// Charges and refunds: every change of a payment's status. Runs inside the consumer host's transaction (payment row, outbox
/// row and inbox row commit together), or the retrier's or reconciler's own. The gateway call happens before that commit; its
/// idempotency key is derived from the booking id, so if the commit never happens (crash, redelivery, replay) the next attempt
/// gets the same charge back instead of a second one, and <see cref="ChargeReconciler"/> finds a charge nobody asks for again.
/// </summary>
public sealed class PaymentProcessor(
    BillingDbContext db,
    IPaymentGateway gateway,
    GatewayResilience resilience,
    FraudScreening fraud,
    PaymentTokens tokens,
    IOptions<PaymentsOptions> options,
    TimeProvider clock,
    ILogger<PaymentProcessor> logger)
{
    /// <summary>PaymentFailed's reason code for a token that does not verify for the booking's guest.</summary>
    public const string InvalidPaymentMethod = "invalid_payment_method";

    /// <summary>PaymentFailed's reason code when the gateway refused the request, or a pending charge did not complete in time.</summary>
    public const string ProcessingError = "processing_error";

    public async Task OnBookingPlacedAsync(BookingPlacedIntegrationEvent placed, CancellationToken ct)
    {
        if (await db.Payments.AnyAsync(p => p.BookingId == placed.BookingId, ct))
        {
            logger.LogDebug("Booking {BookingId} already has a payment; BookingPlaced ignored", placed.BookingId);
            return;
        }

        // The token must have been issued for this booking's guest and be unexpired when the booking was placed (event time, so a replay decides the same).
        var issuedForGuest = tokens.TryVerify(placed.PaymentMethodId, placed.GuestEmail, placed.OccurredAt, out var methodId);
        var method = issuedForGuest ? await db.PaymentMethods.AsNoTracking().SingleOrDefaultAsync(m => m.Id == methodId, ct) : null;
        var payment = new Payment
        {
            BookingId = placed.BookingId,
            BookingReference = placed.Reference,
            GuestEmail = placed.GuestEmail,
            PaymentMethodId = placed.PaymentMethodId,
            Amount = placed.TotalAmount,
            NightlyRate = placed.NightlyRate,
            Currency = placed.Currency,
            CheckIn = placed.CheckIn,
            Nights = placed.Nights,
            PlacedAt = placed.OccurredAt,
            Brand = method?.Brand,
            Last4 = method?.Last4,
            UpdatedAt = clock.GetUtcNow(),
        };
        db.Payments.Add(payment);

        // The cancellation came first (another topic, any order): never charge.
        if (await db.BookingCancellations.AsNoTracking().SingleOrDefaultAsync(c => c.BookingId == placed.BookingId, ct) is { } cancelled)
        {
            payment.Status = PaymentStatus.Cancelled;
            payment.CancelledAt = cancelled.CancelledAt;
            logger.LogDebug("Booking {Reference} was cancelled before it was placed; not charging", placed.Reference);
            return;
        }

        if (!issuedForGuest)
        {
            payment.Status = PaymentStatus.Failed;
            payment.FailureCode = InvalidPaymentMethod;
            payment.FailureReason = "The payment method was not issued for this guest, or has expired.";
            db.AddToOutbox(BillingDbContext.PaymentAggregateType, placed.BookingId.ToString(),
                new PaymentFailedIntegrationEvent(placed.BookingId, placed.Reference, payment.Id, payment.FailureCode, payment.FailureReason));
            logger.LogWarning("Booking {Reference} carries a payment token not issued for its guest; not charging", placed.Reference);
            return;
        }

        // Without a row for the token (tokenised elsewhere, or the row lost) the token itself stands for the card, so the velocity rules still count it.
        var fingerprint = method?.Fingerprint ?? "token:" + methodId;
        if (await fraud.ScreenAsync(placed.BookingId, fingerprint, placed.GuestEmail, placed.OccurredAt, ct) is { } verdict)
        {
            payment.Status = PaymentStatus.Held;
            payment.HoldRule = verdict.Rule;
            payment.FailureReason = verdict.Reason;
            db.AddToOutbox(BillingDbContext.PaymentAggregateType, placed.BookingId.ToString(),
                new PaymentHeldIntegrationEvent(placed.BookingId, placed.Reference, payment.Id, verdict.Rule, verdict.Reason));
            logger.LogWarning("Payment of booking {Reference} held by fraud rule {Rule}: {Reason}", placed.Reference, verdict.Rule, verdict.Reason);
            return;
        }

        ChargeResult? result;
        try
        {
            result = await resilience.Pipeline.ExecuteAsync(async token => await gateway.ChargeAsync(ChargeRequestFor(payment, methodId), token), ct);
        }
        catch (TransientGatewayException e)
        {
            // The money may or may not have moved (a timeout): the payment stays pending and the retrier asks again under the same key.
            logger.LogWarning(e, "Charging booking {Reference} failed transiently after retries; pending, retried later", placed.Reference);
            result = null;
        }
        catch (GatewayRequestException e)
        {
            logger.LogError(e, "The gateway refused the charge of booking {Reference}", placed.Reference);
            result = ChargeResult.Failure(ProcessingError, SandboxGateway.Describe(ProcessingError));
        }
        await ApplyAsync(payment, result, ct);
    }

    /// <summary>
    /// One more attempt at a pending payment; the caller (<see cref="PendingPaymentRetrier"/>) holds its row lock and commits. A charge
    /// whose request never got an answer is sent again under its idempotency key; one the gateway answered as processing is asked
    /// for by reference. Past <see cref="PaymentsOptions.PendingTimeout"/> the charge is voided and the payment fails.
    /// </summary>
    public async Task RetryPendingAsync(Payment payment, CancellationToken ct)
    {
        if (payment.Status != PaymentStatus.Pending) return;
        payment.PendingAttempts++;
        ChargeResult? result;
        try
        {
            if (payment.GatewayReference is { } reference)
                result = await gateway.RefreshAsync(reference, ct);
            else if (tokens.TryVerify(payment.PaymentMethodId, payment.GuestEmail, payment.PlacedAt, out var methodId))
                result = await gateway.ChargeAsync(ChargeRequestFor(payment, methodId), ct);
            else
                result = ChargeResult.Failure(InvalidPaymentMethod, "The payment method was not issued for this guest, or has expired.");
        }
        catch (TransientGatewayException e)
        {
            logger.LogWarning("Pending payment of booking {Reference}: attempt {Attempt} failed transiently ({Error})",
                payment.BookingReference, payment.PendingAttempts, e.Message);
            result = null;
        }
        catch (GatewayRequestException e)
        {
            logger.LogError(e, "The gateway refused the pending charge of booking {Reference}", payment.BookingReference);
            result = ChargeResult.Failure(ProcessingError, SandboxGateway.Describe(ProcessingError));
        }

        if (result is null or { Outcome: ChargeOutcome.Pending } && clock.GetUtcNow() >= payment.PendingSince + options.Value.PendingTimeout)
        {
            await GiveUpAsync(payment, result?.GatewayReference, ct);
            return;
        }
        await ApplyAsync(payment, result, ct);
    }

    /// <summary>The outcome of a charge attempt; null: the gateway could not be asked (transient), so the payment is pending.</summary>
    private async Task ApplyAsync(Payment payment, ChargeResult? result, CancellationToken ct)
    {
        switch (result?.Outcome)
        {
            case ChargeOutcome.Captured:
                MarkCaptured(payment, result.GatewayReference!, result.Brand, result.Last4);
                break;
            case ChargeOutcome.Failed:
                MarkFailed(payment, result.FailureCode!, result.FailureMessage!);
                break;
            default:
                await KeepPendingAsync(payment, result?.GatewayReference, ct);
                break;
        }
    }

    private async Task KeepPendingAsync(Payment payment, string? gatewayReference, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        payment.UpdatedAt = now;
        payment.GatewayReference = gatewayReference ?? payment.GatewayReference;
        if (payment.Status != PaymentStatus.Pending)
        {
            payment.Status = PaymentStatus.Pending;
            payment.PendingSince = now;
            payment.PendingAttempts = 0;
            var (code, reason) = payment.GatewayReference is null
                ? ("gateway_unavailable", "The card processor could not be reached; the charge is tried again.")
                : ("processing", "The card processor is still processing the charge.");
            db.AddToOutbox(BillingDbContext.PaymentAggregateType, payment.BookingId.ToString(),
                new PaymentPendingIntegrationEvent(payment.BookingId, payment.BookingReference, payment.Id, code, reason, now + o.PendingTimeout));
            // Delivered on commit only: wakes the retriers (every billing instance) without them polling.
            await db.Database.ExecuteSqlRawAsync(PendingPaymentRetrier.NotifySql, ct);
        }
        var delay = o.PendingRetryDelay * Math.Pow(2, Math.Min(payment.PendingAttempts, 20));
        payment.NextAttemptAt = now + (delay < o.PendingRetryMaxDelay ? delay : o.PendingRetryMaxDelay);
    }

    /// <summary>Past the pending deadline: void whatever the gateway may still do; a charge it captured meanwhile is kept.</summary>
    private async Task GiveUpAsync(Payment payment, string? gatewayReference, CancellationToken ct)
    {
        VoidResult voided;
        try
        {
            voided = await gateway.VoidAsync(IdempotencyKeys.Charge(payment.BookingId), gatewayReference ?? payment.GatewayReference, ct);
        }
        catch (Exception e) when (e is TransientGatewayException or GatewayRequestException)
        {
            logger.LogWarning("Pending payment of booking {Reference} is past its deadline but could not be voided ({Error}); trying again",
                payment.BookingReference, e.Message);
            await KeepPendingAsync(payment, gatewayReference, ct);
            return;
        }
        if (voided.CapturedReference is { } captured)
        {
            MarkCaptured(payment, captured, null, null);
            return;
        }
        logger.LogWarning("Pending payment of booking {Reference} gave up after {Attempts} attempts; voided", payment.BookingReference, payment.PendingAttempts);
        MarkFailed(payment, ProcessingError, "The payment could not be completed in time. " + SandboxGateway.Describe(ProcessingError));
    }

    private void MarkCaptured(Payment payment, string gatewayReference, string? brand, string? last4)
    {
        var now = clock.GetUtcNow();
        payment.Status = PaymentStatus.Captured;
        payment.GatewayReference = gatewayReference;
        payment.CapturedAt = now;
        payment.UpdatedAt = now;
        payment.NextAttemptAt = null;
        payment.Brand ??= brand ?? "unknown";
        payment.Last4 ??= last4 ?? "";
        db.AddToOutbox(BillingDbContext.PaymentAggregateType, payment.BookingId.ToString(),
            new PaymentCapturedIntegrationEvent(payment.BookingId, payment.BookingReference, payment.Id, payment.Amount, payment.Currency,
                payment.Brand, payment.Last4, gatewayReference, now));
        logger.LogDebug("Captured {Amount} {Currency} for booking {Reference} ({GatewayReference})",
            payment.Amount, payment.Currency, payment.BookingReference, gatewayReference);
    }

    private void MarkFailed(Payment payment, string code, string reason)
    {
        payment.Status = PaymentStatus.Failed;
        payment.FailureCode = code;
        payment.FailureReason = reason;
        payment.UpdatedAt = clock.GetUtcNow();
        payment.NextAttemptAt = null;
        db.AddToOutbox(BillingDbContext.PaymentAggregateType, payment.BookingId.ToString(),
            new PaymentFailedIntegrationEvent(payment.BookingId, payment.BookingReference, payment.Id, code, reason));
        logger.LogDebug("Payment of booking {Reference} failed: {ReasonCode}", payment.BookingReference, code);
    }

    /// <summary>The charge of a payment, the same request on every attempt: same key, same amount, the booking in its metadata.</summary>
    private static ChargeRequest ChargeRequestFor(Payment payment, string methodId) => new(IdempotencyKeys.Charge(payment.BookingId), methodId,
        payment.Amount, payment.Currency, $"Booking {payment.BookingReference}",
        new ChargeMetadata(payment.BookingId, payment.BookingReference, payment.GuestEmail, payment.CheckIn, payment.Nights, payment.NightlyRate, payment.PlacedAt));

    public async Task OnBookingCancelledAsync(BookingCancelledIntegrationEvent cancelled, CancellationToken ct)
    {
        // Locked: the retrier may be charging this payment right now; the cancellation waits for its outcome.
        var payment = await db.Payments.Where(p => p.BookingId == cancelled.BookingId).WithRowLock(RowLock.ForUpdate).SingleOrDefaultAsync(ct);
        if (payment is null)
        {
            if (!await db.BookingCancellations.AnyAsync(c => c.BookingId == cancelled.BookingId, ct))
                db.BookingCancellations.Add(new BookingCancellation
                {
                    BookingId = cancelled.BookingId,
                    BookingReference = cancelled.Reference,
                    CancelledAt = cancelled.CancelledAt,
                    RecordedAt = clock.GetUtcNow(),
                });
            logger.LogDebug("Booking {Reference} cancelled before billing saw it placed; it will not be charged", cancelled.Reference);
            return;
        }

        var now = clock.GetUtcNow();
        var policy = options.Value;
        decimal due;
        switch (payment.Status)
        {
            case PaymentStatus.Held or PaymentStatus.Failed:
                payment.Status = PaymentStatus.Cancelled;
                payment.CancelledAt = cancelled.CancelledAt;
                payment.UpdatedAt = now;
                return;
            case PaymentStatus.Pending:
                // Transient failures past the retries throw: the consumer host retries the cancellation.
                var voided = await resilience.Pipeline.ExecuteAsync(async token =>
                    await gateway.VoidAsync(IdempotencyKeys.Charge(payment.BookingId), payment.GatewayReference, token), ct);
                payment.CancelledAt = cancelled.CancelledAt;
                payment.UpdatedAt = now;
                payment.NextAttemptAt = null;
                if (voided.CapturedReference is null)
                {
                    payment.Status = PaymentStatus.Cancelled;
                    logger.LogInformation("Booking {Reference} cancelled while its payment was pending; the charge was voided", cancelled.Reference);
                    return;
                }
                // The money landed just before the void: the guest never saw it confirmed, so it all goes back.
                payment.Status = PaymentStatus.Captured;
                payment.GatewayReference = voided.CapturedReference;
                payment.CapturedAt = now;
                due = payment.Amount;
                break;
            case PaymentStatus.Captured when payment.CancelledAt is null && !await db.Refunds.AnyAsync(r => r.PaymentId == payment.Id, ct):
                // The hotel's own cancellations (the unpaid-booking sweep, when the charge landed after it) cost the guest nothing.
                due = cancelled.CancelledBy == BookingCancelledIntegrationEvent.BySystem
                    ? payment.Amount
                    : RefundPolicy.RefundDue(payment.Amount, payment.NightlyRate, payment.CheckIn, cancelled.CancelledAt, policy.CheckInTime, policy.FullRefundNotice);
                payment.CancelledAt = cancelled.CancelledAt;
                payment.UpdatedAt = now;
                break;
            default:
                logger.LogDebug("Booking {Reference} cancelled again; payment is {Status}, nothing to do", cancelled.Reference, payment.Status);
                return;
        }

        if (due <= 0)
        {
            logger.LogDebug("Booking {Reference} cancelled late; no refund due under the policy", cancelled.Reference);
            return;
        }
        await RefundAsync(payment, due, ct);
    }

    /// <summary>
    /// Settles a charge the gateway made for a booking whose payment row does not say so (found by <see cref="ChargeReconciler"/>):
    /// the crash window between the charge and billing's commit, or money that moved after billing gave up or cancelled. Kept and
    /// recorded when billing has no row and saw no cancellation; refunded in full otherwise. The caller commits.
    /// </summary>
    public async Task<UnrecordedChargeSettlement?> SettleUnrecordedChargeAsync(GatewayCharge charge, CancellationToken ct)
    {
        var m = charge.Metadata!;
        var payment = await db.Payments.Where(p => p.BookingId == m.BookingId).WithRowLock(RowLock.ForUpdate).SingleOrDefaultAsync(ct);
        if (payment is { Status: not (PaymentStatus.Failed or PaymentStatus.Cancelled) }) return null; // recorded, or the retrier's

        var cancellation = payment is null
            ? await db.BookingCancellations.AsNoTracking().SingleOrDefaultAsync(c => c.BookingId == m.BookingId, ct)
            : null;
        if (payment is null)
        {
            var method = await db.PaymentMethods.AsNoTracking().SingleOrDefaultAsync(x => x.Id == charge.PaymentMethodToken, ct);
            payment = new Payment
            {
                BookingId = m.BookingId,
                BookingReference = m.BookingReference,
                GuestEmail = m.GuestEmail,
                PaymentMethodId = charge.PaymentMethodToken,
                Amount = charge.Amount,
                NightlyRate = m.NightlyRate,
                Currency = charge.Currency,
                CheckIn = m.CheckIn,
                Nights = m.Nights,
                PlacedAt = m.PlacedAt,
                Brand = method?.Brand,
                Last4 = method?.Last4,
                Status = PaymentStatus.Pending,
                UpdatedAt = clock.GetUtcNow(),
            };
            db.Payments.Add(payment);
            if (cancellation is null)
            {
                // The booking stands (billing saw no cancellation): keep the money and record it, as the lost commit would have.
                var result = charge.Outcome == ChargeOutcome.Captured ? ChargeResult.Success(charge.Reference) : await gateway.RefreshAsync(charge.Reference, ct);
                if (!result.Succeeded)
                {
                    db.Payments.Remove(payment);
                    return new($"charge {charge.Reference} of booking {m.BookingReference} has no payment row and is still {result.Outcome}", LeftForNextRun: true);
                }
                MarkCaptured(payment, charge.Reference, result.Brand, result.Last4);
                return new($"recorded charge {charge.Reference} of booking {m.BookingReference} ({charge.Amount} {charge.Currency}), which had no payment row");
            }
            payment.CancelledAt = cancellation.CancelledAt;
        }

        // Billing gave the payment up, or the booking was cancelled: the money goes back.
        var voided = await gateway.VoidAsync(IdempotencyKeys.Charge(m.BookingId), charge.Reference, ct);
        payment.GatewayReference = charge.Reference;
        payment.UpdatedAt = clock.GetUtcNow();
        payment.NextAttemptAt = null;
        if (voided.CapturedReference is null)
        {
            payment.Status = PaymentStatus.Cancelled;
            return new($"voided charge {charge.Reference} of booking {m.BookingReference} (payment row missing, failed or cancelled)");
        }
        payment.Status = PaymentStatus.Captured;
        payment.CapturedAt ??= clock.GetUtcNow();
        await RefundAsync(payment, charge.Amount, ct);
        return new($"refunded charge {charge.Reference} of booking {m.BookingReference} ({charge.Amount} {charge.Currency}): " +
            (cancellation is not null ? "the booking was cancelled" : $"its payment was {(payment.FailureCode is null ? "cancelled" : "failed")}"));
    }

    /// <summary>Refunds <paramref name="due"/> of a captured payment and records it. Transient failures past the retries throw, so the caller retries.</summary>
    private async Task RefundAsync(Payment payment, decimal due, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var refund = await resilience.Pipeline.ExecuteAsync(async token => await gateway.RefundAsync(
            new RefundRequest(IdempotencyKeys.Refund(payment.BookingId), payment.GatewayReference!, due, payment.Currency), token), ct);
        var row = new Refund { PaymentId = payment.Id, Amount = due, Currency = payment.Currency, GatewayReference = refund.GatewayReference, RefundedAt = now };
        db.Refunds.Add(row); // Added explicitly: its key is set already, so via the navigation EF would take it for an existing row
        payment.Status = due == payment.Amount ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        payment.UpdatedAt = now;
        db.AddToOutbox(BillingDbContext.PaymentAggregateType, payment.BookingId.ToString(),
            new RefundIssuedIntegrationEvent(payment.BookingId, payment.BookingReference, payment.Id, row.Id, due, payment.Currency, refund.GatewayReference, now));
        logger.LogDebug("Refunded {Amount} {Currency} of booking {Reference}", due, payment.Currency, payment.BookingReference);
    }
}

/// <summary>What the reconciler did with one charge, in words; <see cref="LeftForNextRun"/> when it could not settle it yet.</summary>
public sealed record UnrecordedChargeSettlement(string What, bool LeftForNextRun = false);

/// <summary>The Polly pipeline around gateway calls: retries transient failures with exponential backoff and jitter.</summary>
public sealed class GatewayResilience
{
    public GatewayResilience(IOptions<PaymentsOptions> options, ILogger<GatewayResilience> logger)
    {
        var o = options.Value;
        Pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TransientGatewayException>(),
                MaxRetryAttempts = Math.Max(1, o.MaxRetries),
                Delay = o.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning("Gateway call failed transiently ({Error}); retry {Attempt} in {Delay} ms",
                        args.Outcome.Exception?.Message, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();
    }

    public ResiliencePipeline Pipeline { get; }
}
