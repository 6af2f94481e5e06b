namespace Hotel.Notifications.Apis;

using System.Security.Cryptography;
using System.Text;
using Hotel.Notifications.Mail;
using Microsoft.Extensions.Options;

/// <summary>
/// Admin endpoints need <c>Notifications:AdminApiKey</c>, as <c>Authorization: Bearer &lt;key&gt;</c> or
/// <c>X-Api-Key: &lt;key&gt;</c>, compared in constant time. Without a configured key nobody is let in.
/// </summary>
public sealed class AdminApiKeyFilter(IOptions<NotificationsOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.AdminApiKey;
        var request = context.HttpContext.Request;
        var given = request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim()
            : request.Headers["X-Api-Key"].ToString();
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(given)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: string.IsNullOrEmpty(expected)
                    ? "Admin endpoints are disabled: Notifications:AdminApiKey is not configured."
                    : "A valid admin key is required (Authorization: Bearer <key>).");
        }
        return await next(context);
    }
}
