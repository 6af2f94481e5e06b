namespace Hotel.Booking.Checkout;

using System.Security.Cryptography;

/// <summary>
/// The first step of the website's two-step checkout: the stay and the guest, kept server-side while the guest's
/// browser posts the card straight to billing (the card never passes through booking). The id is 128 random bits,
/// so a draft cannot be guessed; it expires after <see cref="CheckoutOptions.DraftLifetime"/>. Once completed it
/// remembers the booking it became, so completing again (back button, reload) shows that booking instead of booking twice.
/// </summary>
public sealed class CheckoutDraft
{
    public const int IdLength = 32;

    public required string Id { get; init; }
    public required string HotelId { get; init; }
    public required string RoomTypeId { get; init; }
    public DateOnly CheckIn { get; init; }
    public DateOnly CheckOut { get; init; }
    public int Guests { get; init; }
    public required string GuestName { get; init; }
    public required string GuestEmail { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When a completion started; only one request may place the booking.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }

    /// <summary>The booking placed from this draft, once completed.</summary>
    public string? BookingReference { get; set; }

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsWellFormedId(string? id) => id is { Length: IdLength } && id.All(char.IsAsciiHexDigitLower);
}

/// <summary>Section <c>Booking:Checkout</c>.</summary>
public sealed class CheckoutOptions
{
    public const string Section = "Booking:Checkout";

    /// <summary>How long a guest has between entering their details and submitting the card form.</summary>
    public TimeSpan DraftLifetime { get; set; } = TimeSpan.FromMinutes(30);
}
