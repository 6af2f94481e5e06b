namespace Hotel.Billing.Gateways;

using System.Globalization;

/// <summary>
/// A card processor. Every call carries an idempotency key: a repeated call with the same key gets the
/// first call's result and moves no money again. Transient trouble (timeouts, 5xx, rate limits) is thrown
/// as <see cref="TransientGatewayException"/> and may be retried with the same key; a decline is a
/// <see cref="ChargeResult"/> with outcome <see cref="ChargeOutcome.Failed"/> and is final; a charge whose outcome the
/// processor does not know yet is <see cref="ChargeOutcome.Pending"/> with its reference, asked again with <see cref="RefreshAsync"/>.
/// </summary>
public interface IPaymentGateway
{
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    /// <summary>The charge's outcome now (a Stripe authorisation is captured here); pending while it still processes.</summary>
    Task<ChargeResult> RefreshAsync(string chargeReference, CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure the charge under <paramref name="idempotencyKey"/> (or <paramref name="chargeReference"/>, when known) takes no
    /// money: a pending or authorised charge is cancelled. When it was captured already, the result says so and nothing is voided.
    /// </summary>
    Task<VoidResult> VoidAsync(string idempotencyKey, string? chargeReference, CancellationToken cancellationToken);

    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>Charges made since <paramref name="since"/> that took or may take money (captured, authorised, processing), for the reconciler.</summary>
    IAsyncEnumerable<GatewayCharge> ListChargesAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

public sealed record ChargeRequest(string IdempotencyKey, string PaymentMethodToken, decimal Amount, string Currency, string Description,
    ChargeMetadata? Metadata = null);

/// <summary>
/// What billing leaves with the gateway beside each charge (Stripe metadata; the sandbox's <c>metadata</c> column): enough to
/// record the payment from the gateway alone when billing's own row was lost between the charge and its commit.
/// </summary>
public sealed record ChargeMetadata(Guid BookingId, string BookingReference, string GuestEmail, DateOnly CheckIn, int Nights,
    decimal NightlyRate, DateTimeOffset PlacedAt)
{
    public Dictionary<string, string> ToDictionary() => new()
    {
        ["hotel_booking_id"] = BookingId.ToString("D"),
        ["hotel_booking_reference"] = BookingReference,
        ["hotel_guest_email"] = GuestEmail,
        ["hotel_check_in"] = CheckIn.ToString("O", CultureInfo.InvariantCulture),
        ["hotel_nights"] = Nights.ToString(CultureInfo.InvariantCulture),
        ["hotel_nightly_rate"] = NightlyRate.ToString(CultureInfo.InvariantCulture),
        ["hotel_placed_at"] = PlacedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    /// <summary>Null for a charge billing did not make (no booking id), or one whose metadata is not complete.</summary>
    public static ChargeMetadata? From(IReadOnlyDictionary<string, string>? values)
    {
        if (values is null || !values.TryGetValue("hotel_booking_id", out var id) || !Guid.TryParse(id, out var bookingId)) return null;
        try
        {
            return new ChargeMetadata(bookingId, values["hotel_booking_reference"], values["hotel_guest_email"],
                DateOnly.ParseExact(values["hotel_check_in"], "O", CultureInfo.InvariantCulture),
                int.Parse(values["hotel_nights"], CultureInfo.InvariantCulture),
                decimal.Parse(values["hotel_nightly_rate"], CultureInfo.InvariantCulture),
                DateTimeOffset.ParseExact(values["hotel_placed_at"], "O", CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
        {
            return null;
        }
    }
}

public enum ChargeOutcome
{
    /// <summary>The money was taken.</summary>
    Captured,
    /// <summary>Refused for good.</summary>
    Failed,
    /// <summary>Not decided yet (processing): ask again later with the reference.</summary>
    Pending,
}

public sealed record ChargeResult(ChargeOutcome Outcome, string? GatewayReference, string? FailureCode, string? FailureMessage, string? Brand = null, string? Last4 = null)
{
    public bool Succeeded => Outcome == ChargeOutcome.Captured;
    public static ChargeResult Success(string reference, string? brand = null, string? last4 = null) => new(ChargeOutcome.Captured, reference, null, null, brand, last4);
    public static ChargeResult Failure(string code, string message) => new(ChargeOutcome.Failed, null, code, message);
    public static ChargeResult Processing(string reference) => new(ChargeOutcome.Pending, reference, null, null);
}

/// <summary>What a void found: <see cref="CapturedReference"/> set when the charge had been captured already (nothing voided; refund it instead).</summary>
public sealed record VoidResult(string? CapturedReference)
{
    public static readonly VoidResult Voided = new((string?)null);
}

/// <summary>A charge as the gateway lists it; <see cref="Metadata"/> null when billing did not make it.</summary>
public sealed record GatewayCharge(string Reference, ChargeOutcome Outcome, decimal Amount, string Currency, string PaymentMethodToken,
    DateTimeOffset CreatedAt, ChargeMetadata? Metadata);

public sealed record RefundRequest(string IdempotencyKey, string ChargeReference, decimal Amount, string Currency);

public sealed record RefundResult(string GatewayReference);

/// <summary>The gateway could not answer this time (timeout, 5xx, 429); the same request may succeed later.</summary>
public sealed class TransientGatewayException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The gateway refused the request as malformed or inconsistent (not a card decline); retrying cannot help.</summary>
public sealed class GatewayRequestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Idempotency keys: derived from the booking id, so every retry, redelivery or replay of one booking's charge is the same request.</summary>
public static class IdempotencyKeys
{
    public static string Charge(Guid bookingId) => $"booking-{bookingId:D}-charge";
    public static string Refund(Guid bookingId) => $"booking-{bookingId:D}-refund";
}

/// <summary>Section <c>Payments</c>.</summary>
public sealed class PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary><c>Sandbox</c> (default) or <c>Stripe</c>.</summary>
    public string Gateway { get; set; } = "Sandbox";

    /// <summary>HMAC key of card fingerprints (UTF-8 text, at least 16 bytes). Only appsettings.Development.json has one (a public development key); elsewhere it must be given.</summary>
    public string FingerprintKey { get; set; } = "";

    /// <summary>Retries of transient gateway failures (Polly), after the first attempt.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff delay; exponential with jitter after it.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the sandbox's transient test card fails before it succeeds (per idempotency key).</summary>
    public int SandboxTransientFailures { get; set; } = 2;

    /// <summary>First wait of the durable retry of a pending payment (after the in-process retries); doubles per attempt.</summary>
    public TimeSpan PendingRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two attempts of a pending payment.</summary>
    public TimeSpan PendingRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a payment may stay pending: then a charge still unknown is voided and the payment fails (processing_error).
    /// Booking keeps a booking whose payment is pending until this deadline (PaymentPending carries it), within its own cap.
    /// </summary>
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the reconciler lists the gateway's charges (it also runs at startup).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far back the reconciler lists charges.</summary>
    public TimeSpan ReconcileLookback { get; set; } = TimeSpan.FromDays(3);

    /// <summary>A charge younger than this is left alone: the consumer that made it may not have committed its payment row yet.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Check-in time of day (UTC) the refund policy counts the 48 hours back from.</summary>
    public TimeOnly CheckInTime { get; set; } = new(15, 0);

    /// <summary>Up to this long before check-in a cancellation is refunded in full; after it, the first night is kept.</summary>
    public TimeSpan FullRefundNotice { get; set; } = TimeSpan.FromHours(48);

    public StripeOptions Stripe { get; set; } = new();
}

/// <summary>Section <c>Payments:Stripe</c>.</summary>
public sealed class StripeOptions
{
    public string ApiKey { get; set; } = "";

    /// <summary>Stripe's API address; tests point it at WireMock.</summary>
    public string? ApiBase { get; set; }
}
