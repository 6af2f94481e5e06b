namespace Hotel.Booking.Bookings;

/// <summary>A guest's booking of one room of one room type for a stay of whole nights.</summary>
public sealed class Booking
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Reference { get; init; }
    public required string HotelId { get; init; }
    public required string RoomTypeId { get; init; }
    public DateOnly CheckIn { get; init; }
    public DateOnly CheckOut { get; init; }
    public int Nights { get; init; }
    public required string GuestName { get; init; }
    public required string GuestEmail { get; init; }

    /// <summary>Billing's token for the guest's card; booking never sees a card number.</summary>
    public required string PaymentMethodId { get; init; }

    public decimal NightlyRate { get; init; }
    public decimal TotalAmount { get; init; }
    public required string Currency { get; init; }
    public BookingStatus Status { get; private set; } = BookingStatus.Placed;
    public DateTimeOffset PlacedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public string? CancellationReason { get; private set; }

    /// <summary>When billing captured the payment (event time of PaymentCaptured).</summary>
    public DateTimeOffset? PaidAt { get; private set; }

    /// <summary>Billing's reason code when the charge failed (PaymentFailed).</summary>
    public string? PaymentFailureCode { get; private set; }

    /// <summary>When billing's fraud screening put the charge on hold (PaymentHeld); null once captured or failed.</summary>
    public DateTimeOffset? PaymentHeldAt { get; private set; }

    /// <summary>Billing's plain-words reason for the hold.</summary>
    public string? PaymentHoldReason { get; private set; }

    /// <summary>Until when billing keeps trying a charge whose outcome it does not know yet (PaymentPending); null once captured or failed.</summary>
    public DateTimeOffset? PaymentPendingUntil { get; private set; }

    /// <summary>When notifications reported the confirmation e-mail accepted by the mail server (EmailSent, kind "confirmation").</summary>
    public DateTimeOffset? ConfirmationEmailSentAt { get; private set; }

    /// <summary>Placed or PaymentFailed: nights are held but no money came in.</summary>
    public bool IsUnpaid => Status is BookingStatus.Placed or BookingStatus.PaymentFailed;

    /// <summary>Billing captured the payment. A capture for a cancelled booking changes nothing here (billing refunds it on the cancellation).</summary>
    public bool MarkPaid(DateTimeOffset at)
    {
        if (!IsUnpaid) return false;
        Status = BookingStatus.Paid;
        PaidAt = at;
        PaymentFailureCode = null;
        PaymentHeldAt = null;
        PaymentHoldReason = null;
        PaymentPendingUntil = null;
        return true;
    }

    /// <summary>Billing could not charge the card; only a booking still waiting for its payment changes.</summary>
    public bool MarkPaymentFailed(string reasonCode)
    {
        if (Status != BookingStatus.Placed) return false;
        Status = BookingStatus.PaymentFailed;
        PaymentFailureCode = reasonCode;
        PaymentHeldAt = null;
        PaymentHoldReason = null;
        PaymentPendingUntil = null;
        return true;
    }

    /// <summary>Billing keeps trying the charge until <paramref name="until"/>; only a booking still waiting for its payment notes it.</summary>
    public bool MarkPaymentPending(DateTimeOffset until)
    {
        if (Status != BookingStatus.Placed || PaymentPendingUntil == until) return false;
        PaymentPendingUntil = until;
        return true;
    }

    /// <summary>Billing held the charge for review; only a booking still waiting for its payment shows it.</summary>
    public bool MarkPaymentHeld(DateTimeOffset at, string reason)
    {
        if (Status != BookingStatus.Placed || PaymentHeldAt is not null) return false;
        PaymentHeldAt = at;
        PaymentHoldReason = reason.Length > 500 ? reason[..500] : reason;
        return true;
    }

    /// <summary>The confirmation e-mail went out; the first report wins, a resend changes nothing.</summary>
    public bool MarkConfirmationSent(DateTimeOffset at)
    {
        if (ConfirmationEmailSentAt is not null) return false;
        ConfirmationEmailSentAt = at;
        return true;
    }

    public bool BelongsTo(string email) => string.Equals(GuestEmail, email.Trim(), StringComparison.OrdinalIgnoreCase);

    public void Cancel(DateTimeOffset at, string? reason)
    {
        if (Status == BookingStatus.Cancelled)
            throw new InvalidOperationException($"Booking {Reference} is already cancelled.");
        Status = BookingStatus.Cancelled;
        CancelledAt = at;
        CancellationReason = reason;
    }
}
