namespace Hotel.Billing.Gateways;

// The sandbox processor's own tables. It writes them on its own connection and transaction, as a
// remote processor would, so they outlive a rolled-back consumer transaction: that is what makes
// "one charge at the gateway" checkable after a crash between the charge and billing's commit.

/// <summary>How a tokenised test card behaves; the number itself is not kept.</summary>
public sealed class SandboxCard
{
    public required string Token { get; init; }
    public required string Behaviour { get; init; }
}

public sealed class SandboxCharge
{
    public required string IdempotencyKey { get; init; }
    public string? ChargeId { get; set; }
    public required string Token { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    /// <summary>pending (only transient failures so far), succeeded, failed or voided (cancelled while pending).</summary>
    public required string Status { get; set; }
    public string? FailureCode { get; set; }
    /// <summary>Processing attempts (transient failures count).</summary>
    public int Attempts { get; set; }
    /// <summary>Requests received under this key, repeats answered from the stored result included.</summary>
    public int Requests { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Billing's <see cref="ChargeMetadata"/> as JSON, as Stripe keeps a PaymentIntent's metadata.</summary>
    public string? Metadata { get; set; }
}

public sealed class SandboxRefund
{
    public required string IdempotencyKey { get; init; }
    public required string RefundId { get; init; }
    public required string ChargeId { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public int Requests { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
