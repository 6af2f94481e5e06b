namespace Hotel.Booking.Apis;

using Hotel.Booking.Bookings;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

/// <summary>
/// A serialization failure or deadlock that outlasted <see cref="TransientDatabaseErrors.MaxAttempts"/> runs of its
/// transaction: 503 with <c>Retry-After</c>, nothing was written, so the guest may simply try again — not a 500.
/// </summary>
public sealed class TransientDatabaseExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!TransientDatabaseErrors.IsTransient(exception)) return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Busy",
                Detail = "Many guests are booking the same rooms right now and nothing was changed; please try again.",
            },
        });
    }
}
