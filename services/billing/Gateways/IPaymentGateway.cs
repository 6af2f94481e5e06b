namespace Hotel.Billing.Gateways;

/// <summary>
/// A card processor. Every call carries an idempotency key: a repeated call with the same key gets the
/// first call's result and moves no money again. Transient trouble (timeouts, 5xx, rate limits) is thrown
/// as <see cref="TransientGatewayException"/> and may be retried with the same key; a decline is a
/// <see cref="ChargeResult"/> with <see cref="ChargeResult.Succeeded"/> false and is final.
/// </summary>
public interface IPaymentGateway
{
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);
}

public sealed record ChargeRequest(string IdempotencyKey, string PaymentMethodToken, decimal Amount, string Currency, string Description);

public sealed record ChargeResult(bool Succeeded, string? GatewayReference, string? FailureCode, string? FailureMessage, string? Brand = null, string? Last4 = null)
{
    public static ChargeResult Success(string reference, string? brand = null, string? last4 = null) => new(true, reference, null, null, brand, last4);
    public static ChargeResult Failure(string code, string message) => new(false, null, code, message);
}

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
