namespace Hotel.Billing.Apis;

using Microsoft.AspNetCore.HttpLogging;

/// <summary>
/// Request logging never sees a card: bodies are not logged by the defaults here, and this interceptor strips
/// request and response bodies (and the query string) from <c>/api/payment-methods</c> whatever
/// <c>HttpLoggingOptions</c> someone configures later.
/// </summary>
public sealed class CardSafeHttpLogging : IHttpLoggingInterceptor
{
    public ValueTask OnRequestAsync(HttpLoggingInterceptorContext logContext)
    {
        if (logContext.HttpContext.Request.Path.StartsWithSegments(PaymentMethodsApi.Path)
            || logContext.HttpContext.Request.Path.StartsWithSegments(PaymentMethodFormApi.Path))
        {
            logContext.LoggingFields &= ~(HttpLoggingFields.RequestBody | HttpLoggingFields.ResponseBody | HttpLoggingFields.RequestQuery);
        }
        return default;
    }

    public ValueTask OnResponseAsync(HttpLoggingInterceptorContext logContext) => default;
}
