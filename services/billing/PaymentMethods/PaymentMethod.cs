namespace Hotel.Billing.PaymentMethods;

/// <summary>
/// A tokenised card. Only what a receipt or the fraud rules need: never the number or the CVC.
/// <see cref="Fingerprint"/> is an HMAC of the number under a local key, so the same card is
/// recognised across tokens without the number being recoverable.
/// </summary>
public sealed class PaymentMethod
{
    public const int IdLength = 40;

    public required string Id { get; init; }
    public required string Brand { get; init; }
    public required string Last4 { get; init; }
    public int ExpMonth { get; init; }
    public int ExpYear { get; init; }
    public required string Fingerprint { get; init; }
    public required string HolderName { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
