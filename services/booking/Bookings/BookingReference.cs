namespace Hotel.Booking.Bookings;

using System.Security.Cryptography;

/// <summary>The code a guest reads out on the phone, e.g. <c>HTL-7K3Q9X</c>.</summary>
public static class BookingReference
{
    public const string Prefix = "HTL-";
    public const int MaxLength = 16;

    // No 0/O, 1/I/L or U: nothing a guest or an agent can misread or mishear. 30^6 ≈ 729 million codes.
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Length = 6;

    public static string New() => Prefix + RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>Upper-cases and trims what a guest typed, so "htl-7k3q9x " finds "HTL-7K3Q9X".</summary>
    public static string Normalize(string reference) => reference.Trim().ToUpperInvariant();
}
