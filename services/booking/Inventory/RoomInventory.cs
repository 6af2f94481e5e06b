namespace Hotel.Booking.Inventory;

using Hotel.Booking.Hotels;
using Hotel.Booking.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

/// <summary>Reserves and releases room nights. Callers own the transaction.</summary>
public sealed class RoomInventory(BookingDbContext db)
{
    /// <summary>
    /// Takes one room of <paramref name="roomTypeId"/> for every night of the stay, or nothing.
    /// Must run inside a transaction: the rows stay locked until it commits, so concurrent
    /// bookings of the same night queue up and the last room is sold once.
    /// </summary>
    public async Task<bool> TryReserveAsync(string roomTypeId, DateOnly checkIn, DateOnly checkOut, CancellationToken ct)
    {
        var nights = checkOut.DayNumber - checkIn.DayNumber;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
            ?? throw new InvalidOperationException("Reserving rooms needs the caller's transaction.");
        NpgsqlBatchCommand Command(string sql) => new(sql)
        {
            Parameters = { new() { Value = roomTypeId }, new() { Value = checkIn }, new() { Value = checkOut } },
        };

        // Three statements in one round trip; each sees what the one before it did.
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), transaction)
        {
            BatchCommands =
            {
                // Nights nobody has booked yet have no row; create them so there is a row to lock.
                Command("""
                    INSERT INTO room_nights (room_type_id, night, total, booked)
                    SELECT rt.id, d::date, rt.rooms, 0
                    FROM room_types rt CROSS JOIN generate_series($2::timestamp, $3::timestamp - interval '1 day', interval '1 day') AS d
                    WHERE rt.id = $1
                    ORDER BY d
                    ON CONFLICT DO NOTHING
                    """),
                // Lock in night order, so two stays that overlap cannot deadlock each other.
                Command("""
                    SELECT 1 FROM room_nights
                    WHERE room_type_id = $1 AND night >= $2 AND night < $3
                    ORDER BY night FOR UPDATE
                    """),
                Command("""
                    UPDATE room_nights SET booked = booked + 1
                    WHERE room_type_id = $1 AND night >= $2 AND night < $3 AND booked < total
                    """),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        return batch.BatchCommands[2].RecordsAffected == nights;
    }

    /// <summary>
    /// Gives back one room of every night of the stay. Runs in the caller's transaction, and locks the nights in
    /// night order as <see cref="TryReserveAsync"/> does (an UPDATE alone locks them in scan order), so a cancel and a
    /// booking of overlapping stays cannot deadlock each other.
    /// </summary>
    public async Task ReleaseAsync(string roomTypeId, DateOnly checkIn, DateOnly checkOut, CancellationToken ct)
    {
        var nights = checkOut.DayNumber - checkIn.DayNumber;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
            ?? throw new InvalidOperationException("Releasing rooms needs the caller's transaction.");
        NpgsqlBatchCommand Command(string sql) => new(sql)
        {
            Parameters = { new() { Value = roomTypeId }, new() { Value = checkIn }, new() { Value = checkOut } },
        };

        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), transaction)
        {
            BatchCommands =
            {
                Command("""
                    SELECT 1 FROM room_nights
                    WHERE room_type_id = $1 AND night >= $2 AND night < $3
                    ORDER BY night FOR UPDATE
                    """),
                Command("""
                    UPDATE room_nights SET booked = booked - 1
                    WHERE room_type_id = $1 AND night >= $2 AND night < $3 AND booked > 0
                    """),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        var released = batch.BatchCommands[1].RecordsAffected;
        if (released != nights)
            throw new InvalidOperationException($"Released {released} of {nights} nights of room type {roomTypeId} from {checkIn:yyyy-MM-dd}; inventory is inconsistent.");
    }

    /// <summary>Rooms free for the whole stay per room type: the least free over its nights.</summary>
    public async Task<Dictionary<string, int>> RoomsLeftAsync(IReadOnlyCollection<RoomType> roomTypes, DateOnly checkIn, DateOnly checkOut, CancellationToken ct)
    {
        var nights = checkOut.DayNumber - checkIn.DayNumber;
        var ids = roomTypes.Select(rt => rt.Id).ToList();
        var rows = await db.RoomNights.AsNoTracking()
            .Where(n => ids.Contains(n.RoomTypeId) && n.Night >= checkIn && n.Night < checkOut)
            .ToListAsync(ct);

        return roomTypes.ToDictionary(rt => rt.Id, rt =>
        {
            var known = rows.Where(n => n.RoomTypeId == rt.Id).Select(n => Math.Max(0, n.Total - n.Booked)).ToList();
            // A night without a row has not been booked at all.
            if (known.Count < nights) known.Add(rt.Rooms);
            return known.Min();
        });
    }
}
