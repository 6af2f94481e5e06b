namespace Hotel.Billing.Gateways;

using System.Net;
using Microsoft.Extensions.Options;
using Stripe;

/// <summary>
/// The gateway over Stripe's API (Stripe.net): a confirmed PaymentIntent per charge and a Refund per
/// refund, each sent with billing's idempotency key as Stripe's <c>Idempotency-Key</c>. Selected with
/// <c>Payments:Gateway=Stripe</c>; <c>Payments:Stripe:ApiBase</c> points it elsewhere (WireMock in tests).
/// Stripe.net's own network retries are off: billing's Polly pipeline retries, with the same key.
/// </summary>
public sealed class StripeGateway : IPaymentGateway
{
    private readonly StripeClient _client;

    public StripeGateway(IOptions<PaymentsOptions> options, HttpClient http)
    {
        var stripe = options.Value.Stripe;
        if (string.IsNullOrWhiteSpace(stripe.ApiKey))
            throw new InvalidOperationException("Payments:Stripe:ApiKey is not set (Payments:Gateway is Stripe).");
        var clientOptions = new StripeClientOptions
        {
            ApiKey = stripe.ApiKey,
            HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 0),
        };
        if (!string.IsNullOrWhiteSpace(stripe.ApiBase)) clientOptions.ApiBase = stripe.ApiBase.TrimEnd('/');
        _client = new StripeClient(clientOptions);
    }

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        var service = new PaymentIntentService(_client);
        try
        {
            var intent = await service.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = MinorUnits.From(request.Amount, request.Currency),
                Currency = request.Currency.ToLowerInvariant(),
                PaymentMethod = request.PaymentMethodToken,
                Confirm = true,
                OffSession = true,
                Description = request.Description,
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct);

            return intent.Status switch
            {
                "succeeded" or "requires_capture" => ChargeResult.Success(intent.Id, intent.LatestCharge?.PaymentMethodDetails?.Card?.Brand,
                    intent.LatestCharge?.PaymentMethodDetails?.Card?.Last4),
                "processing" => throw new TransientGatewayException($"Stripe PaymentIntent {intent.Id} is still processing."),
                _ => ChargeResult.Failure(intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code ?? "card_declined",
                    intent.LastPaymentError?.Message ?? $"The payment was not completed (status {intent.Status})."),
            };
        }
        catch (StripeException e) when (e.StripeError?.Type == "card_error")
        {
            // 402: the card was refused. Stripe puts the specific reason (insufficient_funds…) in decline_code.
            var code = e.StripeError.Code == "card_declined" && !string.IsNullOrEmpty(e.StripeError.DeclineCode)
                && e.StripeError.DeclineCode is "insufficient_funds" or "expired_card"
                    ? e.StripeError.DeclineCode
                    : e.StripeError.Code ?? "card_declined";
            return ChargeResult.Failure(code, e.StripeError.Message ?? "Your card was declined.");
        }
        catch (StripeException e) when (IsTransient(e))
        {
            throw new TransientGatewayException($"Stripe answered {(int)e.HttpStatusCode}: {e.Message}", e);
        }
        catch (StripeException e)
        {
            throw new GatewayRequestException($"Stripe refused the request ({(int)e.HttpStatusCode} {e.StripeError?.Type}): {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new TransientGatewayException("Stripe could not be reached.", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TransientGatewayException("Stripe did not answer in time.", e);
        }
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken ct)
    {
        var service = new RefundService(_client);
        try
        {
            var refund = await service.CreateAsync(new RefundCreateOptions
            {
                PaymentIntent = request.ChargeReference,
                Amount = MinorUnits.From(request.Amount, request.Currency),
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct);
            return new RefundResult(refund.Id);
        }
        catch (StripeException e) when (IsTransient(e))
        {
            throw new TransientGatewayException($"Stripe answered {(int)e.HttpStatusCode}: {e.Message}", e);
        }
        catch (StripeException e)
        {
            throw new GatewayRequestException($"Stripe refused the refund ({(int)e.HttpStatusCode} {e.StripeError?.Type}): {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new TransientGatewayException("Stripe could not be reached.", e);
        }
    }

    private static bool IsTransient(StripeException e) =>
        e.HttpStatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict || (int)e.HttpStatusCode >= 500
        || e.StripeError?.Type == "api_error";
}

/// <summary>Amounts in the currency's smallest unit, as Stripe expects them.</summary>
public static class MinorUnits
{
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    { "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF" };

    public static long From(decimal amount, string currency) =>
        (long)decimal.Round(ZeroDecimal.Contains(currency) ? amount : amount * 100m, 0, MidpointRounding.AwayFromZero);
}
