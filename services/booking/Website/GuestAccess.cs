namespace Hotel.Booking.Website;

using Hotel.Booking.Bookings;
using Microsoft.AspNetCore.DataProtection;

/// <summary>
/// Proof that this browser knows a booking's e-mail: a data-protected cookie per booking (purpose bound to the
/// reference, so it cannot be copied to another booking), set when the guest completes checkout or types the
/// e-mail on the booking page. The reference alone never shows a booking.
/// </summary>
public sealed class GuestAccess(IDataProtectionProvider protection, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public static string CookieName(string reference) => "hotel_booking_" + BookingReference.Normalize(reference);

    private ITimeLimitedDataProtector Protector(string reference) =>
        protection.CreateProtector("Hotel.Booking.GuestAccess.v1", BookingReference.Normalize(reference)).ToTimeLimitedDataProtector();

    public void Grant(HttpContext context, string reference, string email)
    {
        var value = Protector(reference).Protect(email.Trim(), time.GetUtcNow() + Lifetime);
        context.Response.Cookies.Append(CookieName(reference), value, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/bookings/" + BookingReference.Normalize(reference),
            MaxAge = Lifetime,
            IsEssential = true,
        });
    }

    /// <summary>The e-mail this browser proved for the booking, or null.</summary>
    public string? EmailFor(HttpContext context, string reference)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName(reference), out var value) || string.IsNullOrEmpty(value)) return null;
        try
        {
            return Protector(reference).Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // tampered, expired, or from another key ring
        }
    }
}

/// <summary>Binds a checkout draft to the browser that started it: only that browser can pay for and complete it.</summary>
public sealed class CheckoutCookie(IDataProtectionProvider protection)
{
    public const string Name = "hotel_checkout";
    private readonly IDataProtector _protector = protection.CreateProtector("Hotel.Booking.CheckoutDraft.v1");

    public void Set(HttpContext context, string draftId) =>
        context.Response.Cookies.Append(Name, _protector.Protect(draftId), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax, // sent on the top-level redirect back from billing
            Path = "/checkout",
            IsEssential = true,
        });

    public bool Owns(HttpContext context, string draftId)
    {
        if (!context.Request.Cookies.TryGetValue(Name, out var value) || string.IsNullOrEmpty(value)) return false;
        try
        {
            return _protector.Unprotect(value) == draftId;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
