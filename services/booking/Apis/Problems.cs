namespace Hotel.Booking.Apis;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

/// <summary>Problem details the APIs return; ProblemDetails fills in the RFC 9110 type links.</summary>
public static class Problems
{
    // TypedResults.NotFound(problem) would send application/json; Problem sends application/problem+json.
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = detail });

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = title, Detail = detail });

    /// <summary>422: the request is well-formed but names something that does not exist.</summary>
    public static ProblemHttpResult Unprocessable(string field, string error) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [error] })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request refers to something that does not exist.",
        });
}
