namespace Hotel.Booking.Apis;

using System.Security.Claims;
using Hotel.Booking.Bookings;
using Hotel.Booking.Website;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

public static class BookingsApi
{
    /// <summary>The caller name of customer care's key under <c>ApiKeys</c>.</summary>
    public const string CustomerCareCaller = "CustomerCare";

    public static RouteGroupBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").WithTags("Bookings");
        api.MapPost("/", PlaceBooking)
            .WithSummary("Books one room for a stay; 409 when any night is sold out; 429 (Retry-After) over the per-client rate limit.")
            .RequireRateLimiting(RateLimitingOptions.ApiPolicy)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesValidationProblem()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/{reference}", GetBooking)
            .WithSummary("A booking by its reference; the guest's e-mail must match, else 404.")
            .RequireRateLimiting(RateLimitingOptions.ApiPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{reference}/cancel", CancelBooking)
            .WithSummary("Cancels a booking and releases its nights. The body carries the guest's e-mail (and an optional reason); cancelling again returns the cancelled booking unchanged.")
            .RequireRateLimiting(RateLimitingOptions.ApiPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Created<BookingResponse>, ValidationProblem, ProblemHttpResult>> PlaceBooking(
        PlaceBookingRequest request, BookingService bookings, CancellationToken ct)
    {
        var errors = request.Validate(bookings.Today);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (outcome, booking) = await bookings.PlaceAsync(request, ct);
        return outcome switch
        {
            PlaceBookingOutcome.Placed => TypedResults.Created($"/api/bookings/{booking!.Reference}", BookingResponse.From(booking)),
            PlaceBookingOutcome.UnknownHotel => Problems.Unprocessable("hotelId", $"There is no hotel '{request.HotelId}'."),
            PlaceBookingOutcome.UnknownRoomType => Problems.Unprocessable("roomTypeId", $"Hotel '{request.HotelId}' has no room type '{request.RoomTypeId}'."),
            PlaceBookingOutcome.InvalidPaymentMethod => Problems.Unprocessable("paymentMethodId",
                "This payment token was not issued for this guest's e-mail, has expired, or is not valid: tokenise the card again with the guest's e-mail."),
            _ => Problems.Conflict("Sold out", "No room of this type is free on every night of the stay."),
        };
    }

    public static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetBooking(
        string reference, [FromQuery] string email, BookingService bookings, CancellationToken ct)
    {
        var booking = await bookings.FindAsync(reference, email, ct);
        return booking is null ? BookingNotFound(reference) : TypedResults.Ok(BookingResponse.From(booking));
    }

    public static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> CancelBooking(
        string reference, CancelBookingRequest request, ClaimsPrincipal caller, BookingService bookings, CancellationToken ct)
    {
        var errors = request.Validate();
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        // An agent cancels through customer care, which calls with its API key (ApiKeys:CustomerCare); anyone else is the guest.
        var cancelledBy = caller.Identity is { IsAuthenticated: true, Name: CustomerCareCaller } ? CancelledBy.Agent : CancelledBy.Guest;
        var (outcome, booking) = await bookings.CancelAsync(reference, request.Email!, request.Reason, cancelledBy, ct);
        return outcome == CancelBookingOutcome.NotFound
            ? BookingNotFound(reference)
            : TypedResults.Ok(BookingResponse.From(booking!));
    }

    // The same answer for "no such reference" and "not your e-mail", so references cannot be probed.
    private static ProblemHttpResult BookingNotFound(string reference) =>
        Problems.NotFound($"No booking '{reference}' with that e-mail address.");
}

public sealed record BookingResponse(
    Guid Id,
    string Reference,
    string Status,
    string HotelId,
    string RoomTypeId,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Nights,
    GuestResponse Guest,
    decimal NightlyRate,
    decimal TotalAmount,
    string Currency,
    DateTimeOffset PlacedAt,
    DateTimeOffset? CancelledAt)
{
    public static BookingResponse From(Booking booking) => new(
        booking.Id, booking.Reference, booking.Status.ToString(), booking.HotelId, booking.RoomTypeId,
        booking.CheckIn, booking.CheckOut, booking.Nights, new GuestResponse(booking.GuestName, booking.GuestEmail),
        booking.NightlyRate, booking.TotalAmount, booking.Currency, booking.PlacedAt, booking.CancelledAt);
}

public sealed record GuestResponse(string Name, string Email);
