using System.Globalization;
using Hotel.Eventing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Hotel.ServiceDefaults;

/// <summary>
/// An infrastructure failure (<see cref="TransientFailures.IsTransient"/>: the database restarting or refusing
/// connections, a timeout, a serialization failure that outlasted its retries) is the service's passing state, not
/// the request's fault: 503 with <c>Retry-After</c> and a problem body that names no internals, or a short page for
/// a browser. Every other exception keeps the framework's 500.
/// </summary>
public sealed partial class TransientFailureExceptionHandler(IProblemDetailsService problemDetails, ILogger<TransientFailureExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Long enough for a database restart to finish, short enough that a client retrying is not kept waiting.</summary>
    public const int RetryAfterSeconds = 3;

    public const string Title = "The service is briefly unavailable";
    public const string Detail = "A service this request needs did not answer. Please try again in a few seconds.";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // A request the framework could not read is answered by BadRequestExceptionHandler, whatever its inner cause.
        if (exception is BadHttpRequestException || !TransientFailures.IsTransient(exception)) return false;

        // The middleware logs no exception a handler handled: say what happened, once per request, without the stack.
        LogAnswered(logger, httpContext.Request.Method, httpContext.Request.Path.Value ?? "", exception.GetBaseException().GetType().Name,
            exception.GetBaseException().Message);

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        if (WantsPage(httpContext.Request))
        {
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            await httpContext.Response.WriteAsync(Page, cancellationToken);
            return true;
        }
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = Title, Detail = Detail },
        });
    }

    /// <summary>A browser asks for HTML by name; API clients ask for JSON or for anything.</summary>
    private static bool WantsPage(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    // Self-contained: rendering the site's layout could need what is unavailable.
    private const string Page = $"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Title}</title></head>
        <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
        <h1>{Title}</h1>
        <p>We could not complete this just now. Nothing is wrong with what you entered: please try again in a few seconds.</p>
        </body>
        </html>
        """;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {ErrorType}: {Error}")]
    private static partial void LogAnswered(ILogger logger, string method, string path, string errorType, string error);
}
