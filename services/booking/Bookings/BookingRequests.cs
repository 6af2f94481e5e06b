namespace Hotel.Booking.Bookings;

using System.Net.Mail;

/// <summary>The body of <c>POST /api/bookings</c>. Every field is nullable so a missing one is reported by name.</summary>
public sealed record PlaceBookingRequest(
    string? HotelId,
    string? RoomTypeId,
    DateOnly? CheckIn,
    DateOnly? CheckOut,
    GuestRequest? Guest,
    string? PaymentMethodId)
{
    public const int MaxNights = 30;

    /// <summary>How far ahead a stay may start; also bounds the inventory rows one request can create.</summary>
    public const int MaxDaysAhead = 730;

    /// <summary>Field errors (camelCase field paths), empty when the request is well-formed.</summary>
    public Dictionary<string, string[]> Validate(DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        RequiredText(errors, "hotelId", HotelId, 64);
        RequiredText(errors, "roomTypeId", RoomTypeId, 64);
        RequiredText(errors, "paymentMethodId", PaymentMethodId, 128);

        if (CheckIn is null) errors["checkIn"] = ["Check-in date is required (yyyy-MM-dd)."];
        else if (CheckIn < today) errors["checkIn"] = ["Check-in cannot be in the past."];
        else if (CheckIn > today.AddDays(MaxDaysAhead)) errors["checkIn"] = [$"Check-in can be at most {MaxDaysAhead} days ahead."];

        if (CheckOut is null) errors["checkOut"] = ["Check-out date is required (yyyy-MM-dd)."];
        else if (CheckIn is { } checkIn && CheckOut <= checkIn) errors["checkOut"] = ["Check-out must be after check-in."];
        else if (CheckIn is { } start && CheckOut.Value.DayNumber - start.DayNumber > MaxNights)
            errors["checkOut"] = [$"A stay can be at most {MaxNights} nights."];

        if (Guest is null) errors["guest"] = ["Guest name and e-mail are required."];
        else
        {
            RequiredText(errors, "guest.name", Guest.Name, 200);
            if (string.IsNullOrWhiteSpace(Guest.Email)) errors["guest.email"] = ["E-mail is required."];
            else if (!EmailAddress.IsValid(Guest.Email)) errors["guest.email"] = ["E-mail is not a valid address."];
        }
        return errors;
    }

    private static void RequiredText(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) errors[field] = ["Required."];
        else if (value.Length > maxLength) errors[field] = [$"At most {maxLength} characters."];
    }
}

public sealed record GuestRequest(string? Name, string? Email);

/// <summary>The body of <c>POST /api/bookings/{reference}/cancel</c>: the guest's e-mail proves it is their booking.</summary>
public sealed record CancelBookingRequest(string? Email, string? Reason)
{
    public const int MaxReasonLength = 500;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Email)) errors["email"] = ["E-mail is required."];
        else if (Email.Length > EmailAddress.MaxLength) errors["email"] = ["E-mail is not a valid address."];
        if (Reason is { Length: > MaxReasonLength }) errors["reason"] = [$"At most {MaxReasonLength} characters."];
        return errors;
    }
}

public static class EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>A bare address (no display name) with a dotted domain, as mail servers will accept it.</summary>
    public static bool IsValid(string email) =>
        email.Length <= MaxLength
        && MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.DisplayName.Length == 0
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');
}
