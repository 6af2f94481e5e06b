namespace Hotel.CustomerCare.Apis;

using Hotel.CustomerCare.Auth;
using Hotel.CustomerCare.Rebuild;
using Hotel.CustomerCare.View;
using Microsoft.AspNetCore.Http.HttpResults;

/// <summary>The agent API: the same data as the pages, for signed-in agents (cookie or HTTP Basic).</summary>
public static class GuestsApi
{
    public static IEndpointRouteBuilder MapCustomerCareApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Customer care");
        api.MapGet("/guests", async Task<Results<Ok<IReadOnlyList<GuestSummary>>, ValidationProblem>> (string? query, ViewQueries view, CancellationToken ct) =>
                string.IsNullOrWhiteSpace(query) || query.Length > 200
                    ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = ["Give an e-mail, a name or a booking reference (at most 200 characters)."] })
                    : TypedResults.Ok(await view.SearchAsync(query, ct)))
            .WithSummary("Find guests by e-mail, partial name (case and accents ignored) or booking reference.");
        api.MapGet("/guests/{id:guid}", async Task<Results<Ok<GuestDetails>, NotFound>> (Guid id, ViewQueries view, CancellationToken ct) =>
                await view.GuestAsync(id, ct) is { } guest ? TypedResults.Ok(guest) : TypedResults.NotFound())
            .WithSummary("A guest with loyalty, totals and every booking with its timeline.");
        api.MapGet("/bookings/{reference}/timeline", async Task<Results<Ok<BookingDetails>, NotFound>> (string reference, ViewQueries view, CancellationToken ct) =>
                await view.BookingAsync(reference, ct) is { } booking ? TypedResults.Ok(booking) : TypedResults.NotFound())
            .WithSummary("A booking and its timeline (placed, e-mails, payment outcomes, cancellation, refunds) with event times.");
        api.MapGet("/freshness", async (ViewQueries view, ViewConsumer consumer, CancellationToken ct) =>
                TypedResults.Ok(await view.FreshnessAsync(consumer.Lag(), consumer.CurrentGroupId, ct)))
            .WithSummary("How far behind the view is: consumer lag and the age of the newest applied event.");

        var admin = app.MapGroup("/api/admin").RequireAuthorization(Policies.SupervisorBasic).WithTags("Admin");
        admin.MapGet("/digest", async (ViewQueries view, CancellationToken ct) => TypedResults.Ok(await view.DigestAsync(ct)))
            .WithSummary("SHA-256 of the whole view in canonical order: equal before and after a rebuild when no event arrived meanwhile.");
        admin.MapPost("/rebuild", async Task<Results<Accepted<RebuildStatus>, ProblemHttpResult>> (ViewConsumer consumer, ViewQueries view, CancellationToken ct) =>
            {
                try
                {
                    await consumer.RebuildAsync(ct);
                }
                catch (InvalidOperationException e)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message);
                }
                return TypedResults.Accepted("/api/admin/rebuild", await StatusAsync(consumer, view, ct));
            })
            .WithSummary("Empties the view and replays every topic from the earliest offset in a new consumer group. Supervisors, HTTP Basic.");
        admin.MapGet("/rebuild", async (ViewConsumer consumer, ViewQueries view, CancellationToken ct) => TypedResults.Ok(await StatusAsync(consumer, view, ct)))
            .WithSummary("Progress of the last rebuild: messages to replay, remaining lag, events applied.");
        return app;
    }

    private static async Task<RebuildStatus> StatusAsync(ViewConsumer consumer, ViewQueries view, CancellationToken ct)
    {
        var lag = consumer.Lag();
        var run = consumer.LastRebuild;
        return new RebuildStatus(consumer.Generation, consumer.CurrentGroupId, run?.StartedAt, run?.TotalMessages ?? 0, lag,
            await view.AppliedEventsAsync(ct), lag == 0);
    }
}

public sealed record RebuildStatus(int Generation, string GroupId, DateTimeOffset? StartedAt, long TotalMessages, long? RemainingLag,
    int AppliedEvents, bool CaughtUp);
