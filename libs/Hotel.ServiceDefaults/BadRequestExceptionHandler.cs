using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Hotel.ServiceDefaults;

/// <summary>
/// Turns requests the framework cannot bind (malformed JSON, a value of the wrong type, a missing
/// body or parameter, a body over the size limit) into problem details with the request's own
/// status code, instead of a 500 or an empty response. Needs <c>RouteHandlerOptions.ThrowOnBadRequest</c>.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest) return false;

        var problem = badRequest.InnerException is JsonException { Path: { Length: > 1 } path } && path.StartsWith("$.", StringComparison.Ordinal)
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path[2..]] = ["The value is malformed or of the wrong type."] })
            : new ProblemDetails();
        problem.Status = badRequest.StatusCode;
        problem.Detail = badRequest.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
            _ when badRequest.InnerException is JsonException => "The request body is not valid JSON for this operation.",
            _ => badRequest.Message,
        };

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
