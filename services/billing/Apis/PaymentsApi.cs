namespace Hotel.Billing.Apis;

using Hotel.Billing.Infrastructure;
using Hotel.ServiceDefaults;
using Hotel.Billing.Payments;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

public sealed record RefundView(Guid Id, decimal Amount, string Currency, string GatewayReference, DateTimeOffset RefundedAt);

/// <summary>What the agent UI and receipts see of a payment: never more of the card than brand and last4.</summary>
public sealed record PaymentView(
    Guid Id, Guid BookingId, string BookingReference, string Status, decimal Amount, string Currency, string? Brand, string? Last4,
    string? GatewayReference, DateTimeOffset? CapturedAt, string? FailureCode, string? FailureReason, string? HoldRule,
    DateTimeOffset? CancelledAt, decimal RefundedAmount, IReadOnlyList<RefundView> Refunds);

public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        // Billing faces the internet (the guest's browser posts the card form here): the lookup is for known callers only.
        app.MapGet("/api/payments", ListAsync)
            .RequireApiCaller()
            .WithName("ListPayments")
            .WithSummary("The payments of a booking, by its reference: status, amounts, refunds, card brand and last4. Needs an API key.");
        return app;
    }

    private static async Task<Results<Ok<List<PaymentView>>, ProblemHttpResult>> ListAsync(
        [FromQuery] string? bookingReference, BillingDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(bookingReference) || bookingReference.Length > 32)
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["bookingReference"] = ["A booking reference (up to 32 characters) is required."],
            })
            { Status = StatusCodes.Status400BadRequest });

        // References are stored as booking issues them (upper case): normalise the input, not the column, so the index serves.
        var reference = bookingReference.Trim().ToUpperInvariant();
        var payments = await db.Payments.AsNoTracking().Include(p => p.Refunds)
            .Where(p => p.BookingReference == reference)
            .OrderBy(p => p.PlacedAt)
            .ToListAsync(ct);
        return TypedResults.Ok(payments.Select(p => new PaymentView(
            p.Id, p.BookingId, p.BookingReference, p.Status.ToString(), p.Amount, p.Currency, p.Brand, p.Last4, p.GatewayReference,
            p.CapturedAt, p.FailureCode, p.FailureReason, p.HoldRule, p.CancelledAt, p.Refunds.Sum(r => r.Amount),
            p.Refunds.Select(r => new RefundView(r.Id, r.Amount, r.Currency, r.GatewayReference, r.RefundedAt)).ToList())).ToList());
    }
}
