namespace Hotel.CustomerCare.View;

/// <summary>A guest as customer care knows them: one row per normalised e-mail, totals recomputed from their bookings.</summary>
public sealed class Guest
{
    /// <summary>Derived from the normalised e-mail (<see cref="GuestKeys.IdFor"/>): the same after every rebuild.</summary>
    public Guid Id { get; set; }

    /// <summary>Trimmed and lower-cased.</summary>
    public required string Email { get; set; }

    /// <summary>The name on the guest's most recently placed booking.</summary>
    public string Name { get; set; } = "";

    /// <summary>Name and e-mail without accents, lower-cased: what search matches against.</summary>
    public string SearchText { get; set; } = "";

    /// <summary>Bookings not cancelled.</summary>
    public int Stays { get; set; }
    public int Nights { get; set; }
    public int Cancellations { get; set; }

    /// <summary>Sum of captured payments.</summary>
    public decimal LifetimeSpend { get; set; }
    public decimal Refunds { get; set; }
    public string Currency { get; set; } = "";

    public List<GuestBooking> Bookings { get; set; } = [];
}

/// <summary>
/// A booking in the view. A payment or e-mail event that arrives before BookingPlaced creates it as a
/// placeholder (reference only, no guest); the booking's own events fill it in later.
/// </summary>
public sealed class GuestBooking
{
    public Guid Id { get; set; }
    public string Reference { get; set; } = "";
    public Guid? GuestId { get; set; }
    public Guest? Guest { get; set; }
    public string? GuestName { get; set; }
    public string? GuestEmail { get; set; }
    public string? HotelName { get; set; }
    public string? RoomTypeName { get; set; }
    public DateOnly? CheckIn { get; set; }
    public DateOnly? CheckOut { get; set; }
    public int Nights { get; set; }
    public decimal? TotalAmount { get; set; }
    public string? Currency { get; set; }

    /// <summary>When BookingPlaced happened; null while the booking is a placeholder.</summary>
    public DateTimeOffset? PlacedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancellationReason { get; set; }

    /// <summary>placeholder, confirmed or cancelled (derived).</summary>
    public string Status { get; set; } = BookingStates.Placeholder;

    /// <summary>none, captured, failed or held: the latest payment outcome by event time (derived).</summary>
    public string PaymentStatus { get; set; } = PaymentStates.None;
    public decimal Paid { get; set; }
    public decimal Refunded { get; set; }

    public List<TimelineEntry> Timeline { get; set; } = [];
}

/// <summary>One event in a booking's life, keyed by the event id.</summary>
public sealed class TimelineEntry
{
    public Guid EventId { get; set; }
    public Guid BookingId { get; set; }

    /// <summary>placed, cancelled, payment-captured, payment-failed, payment-held, refund-issued, email-&lt;kind&gt;.</summary>
    public required string Kind { get; set; }

    /// <summary>When it happened (the event's own time: captured at, sent at…).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    public decimal? Amount { get; set; }
    public string? Currency { get; set; }
    public string Detail { get; set; } = "";

    /// <summary>When this service applied it (freshness; not part of the view's digest).</summary>
    public DateTimeOffset AppliedAt { get; set; }
}

/// <summary>The consumer group generation: bumped by every rebuild, which then reads from a fresh group.</summary>
public sealed class ViewState
{
    public int Id { get; set; } = 1;
    public int Generation { get; set; }
    public DateTimeOffset? RebuiltAt { get; set; }
}

public static class BookingStates
{
    public const string Placeholder = "placeholder";
    public const string Confirmed = "confirmed";
    public const string Cancelled = "cancelled";
}

public static class PaymentStates
{
    public const string None = "none";
    public const string Captured = "captured";
    public const string Failed = "failed";
    public const string Held = "held";
}

public static class TimelineKinds
{
    public const string Placed = "placed";
    public const string Cancelled = "cancelled";
    public const string PaymentCaptured = "payment-captured";
    public const string PaymentFailed = "payment-failed";
    public const string PaymentHeld = "payment-held";
    public const string RefundIssued = "refund-issued";
    public const string EmailPrefix = "email-";

    /// <summary>Order of kinds that share a timestamp, so the timeline reads the same whatever arrived first.</summary>
    public static int Rank(string kind) => kind switch
    {
        Placed => 0,
        PaymentCaptured or PaymentFailed or PaymentHeld => 2,
        Cancelled => 4,
        RefundIssued => 5,
        _ => 3,
    };

    public static string Label(string kind) => kind switch
    {
        Placed => "Booking placed",
        Cancelled => "Booking cancelled",
        PaymentCaptured => "Payment captured",
        PaymentFailed => "Payment failed",
        PaymentHeld => "Payment held for review",
        RefundIssued => "Refund issued",
        _ when kind.StartsWith(EmailPrefix, StringComparison.Ordinal) => $"E-mail sent: {kind[EmailPrefix.Length..].Replace('-', ' ')}",
        _ => kind,
    };
}
