namespace Hotel.Billing.Gateways;

using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Stripe;

/// <summary>
/// The gateway over Stripe's API (Stripe.net): a confirmed PaymentIntent per charge (billing's <see cref="ChargeMetadata"/>
/// in its metadata) and a Refund per refund, each sent with billing's idempotency key as Stripe's <c>Idempotency-Key</c>. Selected with
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
                Metadata = request.Metadata?.ToDictionary(),
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct);
            return await SettleAsync(service, intent, ct);
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
        catch (Exception e) when (Translate(e, ct) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Asks for the PaymentIntent again (a repeated create under the same idempotency key would only replay the first answer).
    /// </summary>
    public async Task<ChargeResult> RefreshAsync(string chargeReference, CancellationToken ct)
    {
        var service = new PaymentIntentService(_client);
        try
        {
            return await SettleAsync(service, await service.GetAsync(chargeReference, cancellationToken: ct), ct);
        }
        catch (Exception e) when (Translate(e, ct) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Only <c>succeeded</c> is money taken. <c>requires_capture</c> (an authorisation) is captured here, under an idempotency key of
    /// its own; <c>processing</c> is pending, asked again later by reference.
    /// </summary>
    private static async Task<ChargeResult> SettleAsync(PaymentIntentService service, PaymentIntent intent, CancellationToken ct)
    {
        if (intent.Status == "requires_capture")
            intent = await service.CaptureAsync(intent.Id, new PaymentIntentCaptureOptions(), new RequestOptions { IdempotencyKey = intent.Id + "-capture" }, ct);
        return intent.Status switch
        {
            "succeeded" => ChargeResult.Success(intent.Id, intent.LatestCharge?.PaymentMethodDetails?.Card?.Brand,
                intent.LatestCharge?.PaymentMethodDetails?.Card?.Last4),
            "processing" or "requires_capture" => ChargeResult.Processing(intent.Id),
            _ => ChargeResult.Failure(intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code ?? "card_declined",
                intent.LastPaymentError?.Message ?? $"The payment was not completed (status {intent.Status})."),
        };
    }

    public async Task<VoidResult> VoidAsync(string idempotencyKey, string? chargeReference, CancellationToken ct)
    {
        // Without a reference the create request's answer was lost: an intent it may have made carries the booking in its
        // metadata, and the reconciler finds it.
        if (chargeReference is null) return VoidResult.Voided;
        var service = new PaymentIntentService(_client);
        try
        {
            // A key of its own: Stripe refuses a key used before for another request (the charge's create).
            await service.CancelAsync(chargeReference, new PaymentIntentCancelOptions(), new RequestOptions { IdempotencyKey = idempotencyKey + "-void" }, ct);
            return VoidResult.Voided;
        }
        catch (StripeException e) when (e.StripeError?.Code == "payment_intent_unexpected_state")
        {
            // Succeeded, failed, already cancelled or processing: which one decides what is left to do.
            PaymentIntent intent;
            try
            {
                intent = await service.GetAsync(chargeReference, cancellationToken: ct);
            }
            catch (Exception inner) when (Translate(inner, ct) is { } translated)
            {
                throw translated;
            }
            return intent.Status switch
            {
                "succeeded" => new VoidResult(intent.Id),
                "processing" => throw new TransientGatewayException($"Stripe PaymentIntent {intent.Id} is processing and cannot be cancelled yet."),
                _ => VoidResult.Voided,
            };
        }
        catch (Exception e) when (Translate(e, ct) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// PaymentIntents created since a time (the list API: consistent, unlike search, which may lag by up to an hour), the ones
    /// billing made told by their metadata.
    /// </summary>
    public async IAsyncEnumerable<GatewayCharge> ListChargesAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        var service = new PaymentIntentService(_client);
        string? after = null;
        while (true)
        {
            StripeList<PaymentIntent> page;
            try
            {
                page = await service.ListAsync(new PaymentIntentListOptions
                {
                    Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime },
                    Limit = 100,
                    StartingAfter = after,
                }, cancellationToken: ct);
            }
            catch (Exception e) when (Translate(e, ct) is { } translated)
            {
                throw translated;
            }
            foreach (var intent in page.Data)
            {
                var outcome = intent.Status switch
                {
                    "succeeded" => ChargeOutcome.Captured,
                    "requires_capture" or "processing" => ChargeOutcome.Pending,
                    _ => (ChargeOutcome?)null,
                };
                if (outcome is null) continue;
                var currency = intent.Currency.ToUpperInvariant();
                yield return new GatewayCharge(intent.Id, outcome.Value, MinorUnits.ToAmount(intent.Amount, currency), currency,
                    intent.PaymentMethodId ?? "", new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)),
                    ChargeMetadata.From(intent.Metadata));
            }
            if (!page.HasMore || page.Data.Count == 0) yield break;
            after = page.Data[^1].Id;
        }
    }

    /// <summary>Stripe's and the network's failures as the gateway contract names them; null for what is not the gateway's (cancellation).</summary>
    private static Exception? Translate(Exception e, CancellationToken ct) => e switch
    {
        StripeException s when IsTransient(s) => new TransientGatewayException($"Stripe answered {(int)s.HttpStatusCode}: {s.Message}", s),
        StripeException s => new GatewayRequestException($"Stripe refused the request ({(int)s.HttpStatusCode} {s.StripeError?.Type}): {s.Message}", s),
        HttpRequestException => new TransientGatewayException("Stripe could not be reached.", e),
        TaskCanceledException when !ct.IsCancellationRequested => new TransientGatewayException("Stripe did not answer in time.", e),
        _ => null,
    };

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

    public static decimal ToAmount(long minorUnits, string currency) => ZeroDecimal.Contains(currency) ? minorUnits : minorUnits / 100m;
}
