namespace Hotel.Booking.Pages;

using Microsoft.AspNetCore.Mvc;

/// <summary>303 See Other: after a form post (or billing's redirect), the browser GETs the next page.</summary>
public sealed class SeeOther(string url) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        context.HttpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.HttpContext.Response.Headers.Location = url;
        return Task.CompletedTask;
    }
}
