namespace Hotel.Booking.Bookings;

using Hotel.Booking.Hotels;
using Hotel.Booking.Infrastructure;
using Hotel.Booking.IntegrationEvents;
using Hotel.Booking.Inventory;
using Hotel.Booking.Payments;
using Hotel.Eventing.Outbox;
using Hotel.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

public enum PlaceBookingOutcome
{
    Placed,
    UnknownHotel,
    UnknownRoomType,
    SoldOut,
    /// <summary>The payment token was not issued by billing for this guest, or has expired.</summary>
    InvalidPaymentMethod,
}

public enum CancelBookingOutcome
{
    Cancelled,
    AlreadyCancelled,
    NotFound,
}

/// <summary>
/// Places and cancels bookings. Each state change, its inventory change and its outbox event
/// commit in one transaction, so an event is published exactly when the change happened.
/// </summary>
public sealed class BookingService(BookingDbContext db, RoomInventory inventory, PaymentTokens paymentTokens, TimeProvider time, ILogger<BookingService> logger)
{
    private const int ReferenceAttempts = 5;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <param name="request">An already validated request.</param>
    public async Task<(PlaceBookingOutcome Outcome, Booking? Booking)> PlaceAsync(PlaceBookingRequest request, CancellationToken ct)
    {
        // Checked offline, before anything is read or held: a made-up or another guest's token books nothing.
        if (!paymentTokens.Verify(request.PaymentMethodId, request.Guest!.Email!, time.GetUtcNow())) return (PlaceBookingOutcome.InvalidPaymentMethod, null);
        var hotel = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).SingleOrDefaultAsync(h => h.Id == request.HotelId, ct);
        if (hotel is null) return (PlaceBookingOutcome.UnknownHotel, null);
        var roomType = hotel.RoomTypes.SingleOrDefault(rt => rt.Id == request.RoomTypeId);
        if (roomType is null) return (PlaceBookingOutcome.UnknownRoomType, null);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryPlaceAsync(request, hotel, roomType, ct);
            }
            catch (DbUpdateException e) when (IsReferenceClash(e) && attempt < ReferenceAttempts)
            {
                // Another booking drew the same reference; the transaction is gone, so start over.
                logger.LogInformation("Booking reference clash, drawing another (attempt {Attempt})", attempt);
                db.ChangeTracker.Clear();
            }
            catch (Exception e) when (TransientDatabaseErrors.IsTransient(e) && attempt < TransientDatabaseErrors.MaxAttempts)
            {
                logger.LogInformation("Placing a booking hit {Error}; running the transaction again (attempt {Attempt})", e.GetBaseException().Message, attempt);
                db.ChangeTracker.Clear();
                await TransientDatabaseErrors.PauseAsync(attempt, ct);
            }
        }
    }

    private async Task<(PlaceBookingOutcome, Booking?)> TryPlaceAsync(PlaceBookingRequest request, Hotel hotel, RoomType roomType, CancellationToken ct)
    {
        var checkIn = request.CheckIn!.Value;
        var checkOut = request.CheckOut!.Value;
        var nights = checkOut.DayNumber - checkIn.DayNumber;

        // A failed save is never resumed inside this transaction (PlaceAsync starts over), so SaveChanges
        // need not guard itself with a savepoint: one round trip less per booking.
        db.Database.AutoSavepointsEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await inventory.TryReserveAsync(roomType.Id, checkIn, checkOut, ct))
        {
            await tx.RollbackAsync(ct);
            return (PlaceBookingOutcome.SoldOut, null);
        }

        var booking = new Booking
        {
            Reference = BookingReference.New(),
            HotelId = hotel.Id,
            RoomTypeId = roomType.Id,
            CheckIn = checkIn,
            CheckOut = checkOut,
            Nights = nights,
            GuestName = request.Guest!.Name!.Trim(),
            GuestEmail = request.Guest.Email!,
            PaymentMethodId = request.PaymentMethodId!,
            NightlyRate = roomType.NightlyRate,
            TotalAmount = roomType.NightlyRate * nights,
            Currency = roomType.Currency,
            PlacedAt = time.GetUtcNow(),
        };
        db.Bookings.Add(booking);
        db.AddToOutbox(BookingDbContext.BookingAggregateType, booking.Id.ToString(), new BookingPlacedIntegrationEvent(
            booking.Id, booking.Reference, booking.GuestName, booking.GuestEmail,
            hotel.Id, hotel.Name, roomType.Id, roomType.Name,
            booking.CheckIn, booking.CheckOut, booking.Nights,
            booking.NightlyRate, booking.TotalAmount, booking.Currency, booking.PaymentMethodId)
        { OccurredAt = booking.PlacedAt });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        logger.LogDebug("Booking {Reference} placed: {RoomTypeId} from {CheckIn} for {Nights} nights", booking.Reference, roomType.Id, checkIn, nights);
        return (PlaceBookingOutcome.Placed, booking);
    }

    /// <summary>The booking with <paramref name="reference"/> if <paramref name="email"/> is its guest's, else null.</summary>
    public async Task<Booking?> FindAsync(string reference, string email, CancellationToken ct)
    {
        var normalized = BookingReference.Normalize(reference);
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Reference == normalized, ct);
        return booking is not null && booking.BelongsTo(email) ? booking : null;
    }

    /// <summary>Cancels and releases the nights once; a second cancel changes nothing.</summary>
    /// <param name="cancelledBy">A <see cref="CancelledBy"/> value: the guest, or an agent acting for them.</param>
    public async Task<(CancelBookingOutcome Outcome, Booking? Booking)> CancelAsync(string reference, string email, string? reason, string cancelledBy,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryCancelAsync(reference, email, reason, cancelledBy, ct);
            }
            catch (Exception e) when (TransientDatabaseErrors.IsTransient(e) && attempt < TransientDatabaseErrors.MaxAttempts)
            {
                logger.LogInformation("Cancelling {Reference} hit {Error}; running the transaction again (attempt {Attempt})", reference, e.GetBaseException().Message, attempt);
                db.ChangeTracker.Clear();
                await TransientDatabaseErrors.PauseAsync(attempt, ct);
            }
        }
    }

    private async Task<(CancelBookingOutcome Outcome, Booking? Booking)> TryCancelAsync(string reference, string email, string? reason, string cancelledBy,
        CancellationToken ct)
    {
        var normalized = BookingReference.Normalize(reference);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // The row lock makes concurrent cancels of one booking take turns, so nights are released once.
        var booking = await db.Bookings
            .Where(b => b.Reference == normalized).WithRowLock(RowLock.ForUpdate)
            .SingleOrDefaultAsync(ct);
        if (booking is null || !booking.BelongsTo(email)) return (CancelBookingOutcome.NotFound, null);
        if (booking.Status == BookingStatus.Cancelled) return (CancelBookingOutcome.AlreadyCancelled, booking);

        await CancelLockedAsync(booking, reason, cancelledBy, reasonCode: null, ct);
        await tx.CommitAsync(ct);

        logger.LogDebug("Booking {Reference} cancelled", booking.Reference);
        return (CancelBookingOutcome.Cancelled, booking);
    }

    /// <summary>
    /// Cancels a booking still unpaid that was placed before <paramref name="placedBefore"/> (Placed with no capture)
    /// or <paramref name="failedPlacedBefore"/> (PaymentFailed); false when it was paid or cancelled meanwhile.
    /// </summary>
    public async Task<bool> CancelUnpaidAsync(Guid bookingId, DateTimeOffset placedBefore, DateTimeOffset failedPlacedBefore,
        DateTimeOffset pendingPlacedBefore, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var booking = await db.Bookings
            .Where(b => b.Id == bookingId).WithRowLock(RowLock.ForUpdate)
            .SingleOrDefaultAsync(ct);
        if (booking is null || !booking.IsUnpaid) return false;
        if (booking.PlacedAt >= (booking.Status == BookingStatus.PaymentFailed ? failedPlacedBefore : placedBefore)) return false;
        // Billing is still trying the charge: wait for its outcome, up to the cap.
        if (booking.Status == BookingStatus.Placed && booking.PaymentPendingUntil > time.GetUtcNow() && booking.PlacedAt >= pendingPlacedBefore) return false;

        var status = booking.Status;
        var (reasonCode, reason) = status == BookingStatus.PaymentFailed
            ? (CancellationReasonCodes.PaymentFailed, $"Payment failed ({booking.PaymentFailureCode}).")
            : booking.PaymentHeldAt is not null
                ? (CancellationReasonCodes.PaymentHeld, "The payment was held for review and did not clear in time.")
                : (CancellationReasonCodes.PaymentNotReceived, "No payment was received in time.");
        await CancelLockedAsync(booking, reason, CancelledBy.System, reasonCode, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Unpaid booking {Reference} ({Status}) cancelled after the grace period", booking.Reference, status);
        return true;
    }

    /// <summary>Releases the nights, cancels and writes BookingCancelled; the caller holds the row lock and commits.</summary>
    private async Task CancelLockedAsync(Booking booking, string? reason, string cancelledBy, string? reasonCode, CancellationToken ct)
    {
        var roomType = await db.RoomTypes.AsNoTracking().Include(rt => rt.Hotel).SingleAsync(rt => rt.Id == booking.RoomTypeId, ct);
        await inventory.ReleaseAsync(booking.RoomTypeId, booking.CheckIn, booking.CheckOut, ct);
        booking.Cancel(time.GetUtcNow(), string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
        db.AddToOutbox(BookingDbContext.BookingAggregateType, booking.Id.ToString(), new BookingCancelledIntegrationEvent(
            booking.Id, booking.Reference, booking.GuestName, booking.GuestEmail,
            booking.HotelId, roomType.Hotel!.Name, roomType.Id, roomType.Name,
            booking.CheckIn, booking.CheckOut, booking.Nights,
            booking.TotalAmount, booking.Currency, booking.PaymentMethodId,
            booking.CancelledAt!.Value, booking.CancellationReason, cancelledBy, reasonCode)
        { OccurredAt = booking.CancelledAt.Value, Version = BookingCancelledIntegrationEvent.CurrentVersion });
        await db.SaveChangesAsync(ct);
    }

    private static bool IsReferenceClash(DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ix_bookings_reference" };
}
