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
/// Charges and refunds. Runs inside the consumer host's transaction (payment row, outbox row and inbox row
/// commit together). The gateway call happens before that commit; its idempotency key is derived from the
/// booking id, so if the commit never happens (crash, redelivery, replay) the next attempt gets the same
/// charge back instead of a second one.
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

        var request = new ChargeRequest(IdempotencyKeys.Charge(placed.BookingId), methodId, placed.TotalAmount, placed.Currency,
            $"Booking {placed.Reference}");
        ChargeResult result;
        try
        {
            result = await resilience.Pipeline.ExecuteAsync(async token => await gateway.ChargeAsync(request, token), ct);
        }
        catch (Exception e) when (e is TransientGatewayException or GatewayRequestException)
        {
            logger.LogError(e, "Charging booking {Reference} failed after retries", placed.Reference);
            result = ChargeResult.Failure("processing_error", SandboxGateway.Describe("processing_error"));
        }

        var now = clock.GetUtcNow();
        payment.UpdatedAt = now;
        if (result.Succeeded)
        {
            payment.Status = PaymentStatus.Captured;
            payment.GatewayReference = result.GatewayReference;
            payment.CapturedAt = now;
            payment.Brand ??= result.Brand ?? "unknown";
            payment.Last4 ??= result.Last4 ?? "";
            db.AddToOutbox(BillingDbContext.PaymentAggregateType, placed.BookingId.ToString(),
                new PaymentCapturedIntegrationEvent(placed.BookingId, placed.Reference, payment.Id, payment.Amount, payment.Currency,
                    payment.Brand, payment.Last4, result.GatewayReference!, now));
            logger.LogDebug("Captured {Amount} {Currency} for booking {Reference} ({GatewayReference})",
                payment.Amount, payment.Currency, placed.Reference, result.GatewayReference);
        }
        else
        {
            payment.Status = PaymentStatus.Failed;
            payment.FailureCode = result.FailureCode;
            payment.FailureReason = result.FailureMessage;
            db.AddToOutbox(BillingDbContext.PaymentAggregateType, placed.BookingId.ToString(),
                new PaymentFailedIntegrationEvent(placed.BookingId, placed.Reference, payment.Id, result.FailureCode!, result.FailureMessage!));
            logger.LogDebug("Payment of booking {Reference} failed: {ReasonCode}", placed.Reference, result.FailureCode);
        }
    }

    public async Task OnBookingCancelledAsync(BookingCancelledIntegrationEvent cancelled, CancellationToken ct)
    {
        var payment = await db.Payments.Include(p => p.Refunds).SingleOrDefaultAsync(p => p.BookingId == cancelled.BookingId, ct);
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
        switch (payment.Status)
        {
            case PaymentStatus.Held or PaymentStatus.Failed:
                payment.Status = PaymentStatus.Cancelled;
                payment.CancelledAt = cancelled.CancelledAt;
                payment.UpdatedAt = now;
                return;
            case PaymentStatus.Captured when payment.CancelledAt is null && payment.Refunds.Count == 0:
                break;
            default:
                logger.LogDebug("Booking {Reference} cancelled again; payment is {Status}, nothing to do", cancelled.Reference, payment.Status);
                return;
        }

        // The hotel's own cancellations (the unpaid-booking sweep, when the charge landed after it) cost the guest nothing.
        var policy = options.Value;
        var due = cancelled.CancelledBy == BookingCancelledIntegrationEvent.BySystem
            ? payment.Amount
            : RefundPolicy.RefundDue(payment.Amount, payment.NightlyRate, payment.CheckIn, cancelled.CancelledAt, policy.CheckInTime, policy.FullRefundNotice);
        payment.CancelledAt = cancelled.CancelledAt;
        payment.UpdatedAt = now;
        if (due <= 0)
        {
            logger.LogDebug("Booking {Reference} cancelled late; no refund due under the policy", cancelled.Reference);
            return;
        }

        // Transient failures past the retries throw: the consumer host retries, then dead-letters (replayable), never loses the refund.
        var refund = await resilience.Pipeline.ExecuteAsync(async token => await gateway.RefundAsync(
            new RefundRequest(IdempotencyKeys.Refund(payment.BookingId), payment.GatewayReference!, due, payment.Currency), token), ct);
        var row = new Refund { PaymentId = payment.Id, Amount = due, Currency = payment.Currency, GatewayReference = refund.GatewayReference, RefundedAt = now };
        db.Refunds.Add(row); // Added explicitly: its key is set already, so via the navigation EF would take it for an existing row
        payment.Status = due == payment.Amount ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        db.AddToOutbox(BillingDbContext.PaymentAggregateType, payment.BookingId.ToString(),
            new RefundIssuedIntegrationEvent(payment.BookingId, payment.BookingReference, payment.Id, row.Id, due, payment.Currency, refund.GatewayReference, now));
        logger.LogDebug("Refunded {Amount} {Currency} of booking {Reference}", due, payment.Currency, payment.BookingReference);
    }
}

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
