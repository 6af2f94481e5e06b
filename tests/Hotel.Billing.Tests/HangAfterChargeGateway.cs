namespace Hotel.Billing.Tests;

using Hotel.Billing.Gateways;

/// <summary>Charges, then hangs until the service stops: the window between the gateway call and billing's commit.</summary>
internal sealed class HangAfterChargeGateway(IPaymentGateway inner, TaskCompletionSource charged) : IPaymentGateway
{
    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        var result = await inner.ChargeAsync(request, ct);
        charged.TrySetResult();
        await Task.Delay(Timeout.Infinite, ct);
        return result;
    }

    public Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct) => inner.RefundAsync(request, ct);
    public Task<ChargeResult> RefreshAsync(string chargeReference, CancellationToken ct) => inner.RefreshAsync(chargeReference, ct);
    public Task<VoidResult> VoidAsync(string idempotencyKey, string? chargeReference, CancellationToken ct) => inner.VoidAsync(idempotencyKey, chargeReference, ct);
    public IAsyncEnumerable<GatewayCharge> ListChargesAsync(DateTimeOffset since, CancellationToken ct) => inner.ListChargesAsync(since, ct);
}
