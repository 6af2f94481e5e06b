namespace Hotel.Booking.Pages;

using System.Globalization;

/// <summary>How the site writes money and dates: the same on every page, whatever the server's culture.</summary>
public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    public static string Money(decimal amount, string currency) =>
        (currency.Trim() == "EUR" ? "€" : currency.Trim() + " ") + amount.ToString("#,0.00", Culture);

    public static string Date(DateOnly date) => date.ToString("ddd d MMM yyyy", Culture);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Nights(int nights) => nights == 1 ? "1 night" : $"{nights} nights";
}
