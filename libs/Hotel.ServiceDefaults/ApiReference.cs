using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Scalar.AspNetCore;

namespace Hotel.ServiceDefaults;

public static class ApiReference
{
    /// <summary>The path of the readable API reference, in Development.</summary>
    public const string ScalarPath = "/scalar";

    /// <summary>
    /// The OpenAPI document at <c>/openapi/v1.json</c>, open to anyone (it describes, it grants nothing: every endpoint
    /// checks its own credential), and in Development Scalar's reader of it at <see cref="ScalarPath"/>, where one tries
    /// the calls; outside Development there is no interactive page to probe a live service with.
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference(ScalarPath).AllowAnonymous();
        return app;
    }
}
