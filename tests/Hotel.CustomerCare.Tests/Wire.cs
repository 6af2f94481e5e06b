namespace Hotel.CustomerCare.Tests;

using System.Text.Json;
using Hotel.Eventing;

public enum WireTopic { Booking, Payment, Email }

/// <summary>One event as it travels on Kafka.</summary>
public sealed record WireEvent(WireTopic Topic, string Key, Guid Id, string EventType, string Payload)
{
    public override string ToString() => $"{EventType} {Key[..8]}";
}

/// <summary>Builds events in the payload shapes booking, billing and notifications publish (camelCase, version, occurredAt).</summary>
public static class Wire
{
    private static string Json(object payload) => JsonSerializer.Serialize(payload, EventJson.Options);

    public sealed record Stay(Guid BookingId, string Reference, string GuestName, string GuestEmail, DateOnly CheckIn, int Nights, decimal Total,
        string HotelName = "Hotel Lisboa", string RoomTypeName = "Double");

    public static WireEvent Placed(Stay s, DateTimeOffset at) => new(WireTopic.Booking, s.BookingId.ToString(), Guid.NewGuid(), "BookingPlaced", Json(new
    {
        bookingId = s.BookingId,
        reference = s.Reference,
        guestName = s.GuestName,
        guestEmail = s.GuestEmail,
        hotelId = "lisboa",
        hotelName = s.HotelName,
        roomTypeId = "lisboa-double",
        roomTypeName = s.RoomTypeName,
        checkIn = s.CheckIn,
        checkOut = s.CheckIn.AddDays(s.Nights),
        nights = s.Nights,
        nightlyRate = s.Total / s.Nights,
        totalAmount = s.Total,
        currency = "EUR",
        paymentMethodId = "pm_test_4242",
        occurredAt = at,
        version = 1,
    }));

    public static WireEvent Cancelled(Stay s, DateTimeOffset at, string reason) => new(WireTopic.Booking, s.BookingId.ToString(), Guid.NewGuid(), "BookingCancelled", Json(new
    {
        bookingId = s.BookingId,
        reference = s.Reference,
        guestName = s.GuestName,
        guestEmail = s.GuestEmail,
        hotelId = "lisboa",
        hotelName = s.HotelName,
        roomTypeId = "lisboa-double",
        roomTypeName = s.RoomTypeName,
        checkIn = s.CheckIn,
        checkOut = s.CheckIn.AddDays(s.Nights),
        nights = s.Nights,
        totalAmount = s.Total,
        currency = "EUR",
        paymentMethodId = "pm_test_4242",
        cancelledAt = at,
        reason,
        occurredAt = at,
        version = 1,
    }));

    public static WireEvent Captured(Stay s, decimal amount, DateTimeOffset at) => new(WireTopic.Payment, s.BookingId.ToString(), Guid.NewGuid(), "PaymentCaptured", Json(new
    {
        bookingId = s.BookingId,
        bookingReference = s.Reference,
        paymentId = Guid.NewGuid(),
        amount,
        currency = "EUR",
        brand = "visa",
        last4 = "4242",
        gatewayReference = "ch_" + Guid.NewGuid().ToString("N")[..10],
        capturedAt = at,
        occurredAt = at,
        version = 1,
    }));

    public static WireEvent Failed(Stay s, DateTimeOffset at) => new(WireTopic.Payment, s.BookingId.ToString(), Guid.NewGuid(), "PaymentFailed", Json(new
    {
        bookingId = s.BookingId,
        bookingReference = s.Reference,
        paymentId = Guid.NewGuid(),
        reasonCode = "card_declined",
        reason = "Your card was declined.",
        occurredAt = at,
        version = 1,
    }));

    public static WireEvent Held(Stay s, DateTimeOffset at) => new(WireTopic.Payment, s.BookingId.ToString(), Guid.NewGuid(), "PaymentHeld", Json(new
    {
        bookingId = s.BookingId,
        bookingReference = s.Reference,
        paymentId = Guid.NewGuid(),
        rule = "velocity",
        reason = "Too many bookings from one card.",
        occurredAt = at,
        version = 1,
    }));

    public static WireEvent Refunded(Stay s, decimal amount, DateTimeOffset at) => new(WireTopic.Payment, s.BookingId.ToString(), Guid.NewGuid(), "RefundIssued", Json(new
    {
        bookingId = s.BookingId,
        bookingReference = s.Reference,
        paymentId = Guid.NewGuid(),
        refundId = Guid.NewGuid(),
        amount,
        currency = "EUR",
        gatewayReference = "re_1",
        refundedAt = at,
        occurredAt = at,
        version = 1,
    }));

    /// <summary>kind as notifications writes it (its enum name, e.g. Confirmation, PaymentHeld) or kebab-case.</summary>
    public static WireEvent EmailSent(Stay s, string kind, DateTimeOffset at) => new(WireTopic.Email, s.BookingId.ToString(), Guid.NewGuid(), "EmailSent", Json(new
    {
        bookingId = s.BookingId,
        bookingReference = s.Reference,
        kind,
        to = s.GuestEmail,
        sentAt = at,
        messageId = $"<{Guid.NewGuid():N}@hotel.local>",
        resend = false,
        occurredAt = at,
        version = 1,
    }));
}
