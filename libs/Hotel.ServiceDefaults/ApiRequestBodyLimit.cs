using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Hotel.ServiceDefaults;

public static class ApiRequestBodyLimit
{
    /// <summary>No API request body needs more than this; bigger ones are refused before they are read.</summary>
    public const long MaxBytes = 64 * 1024;

    /// <summary>
    /// Refuses <c>/api</c> bodies over <see cref="MaxBytes"/> with a 413 problem: at once when
    /// Content-Length says so, otherwise (chunked) when reading passes the limit, through the server's own limit.
    /// </summary>
    public static IApplicationBuilder UseApiRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            if (context.Request.ContentLength > MaxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = StatusCodes.Status413PayloadTooLarge, Detail = $"The request body is larger than {MaxBytes} bytes." },
                });
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = MaxBytes;
        }
        await next(context);
    });
}
