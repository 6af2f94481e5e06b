namespace Hotel.Booking.Tests;

using System.Net;
using System.Net.Http.Json;
using Hotel.Testing;
using Npgsql;

/// <summary>A booking whose transaction PostgreSQL aborts as a deadlock victim is run again: the guest never sees it.</summary>
[Collection(BookingCollection.Name)]
public sealed class DeadlockRetryTests(InfraFixture infra)
{
    private const string RoomTypeId = "lis-alfama-double";

    [Fact]
    public async Task A_booking_aborted_as_a_deadlock_victim_runs_again_and_the_guest_gets_201()
    {
        await using var app = await BookingApp.StartAsync(infra);
        var checkIn = BookingApp.Day(200);
        var secondNight = checkIn.AddDays(1);
        await app.ScalarAsync<int>($"INSERT INTO room_nights (room_type_id, night, total, booked) VALUES " +
            $"('{RoomTypeId}', '{checkIn:yyyy-MM-dd}', 8, 0), ('{RoomTypeId}', '{secondNight:yyyy-MM-dd}', 8, 0); SELECT 1");
        var deadlocksBefore = await DeadlocksAsync(app);

        // Another transaction holds the second night, with a deadlock timeout far beyond the booking's 1 s: when the cycle
        // closes, the booking's backend is the one that finds it and is aborted (40P01).
        await using var other = new NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await ExecuteAsync(other, tx, "SET LOCAL deadlock_timeout = '60s'");
        await ExecuteAsync(other, tx, $"SELECT 1 FROM room_nights WHERE room_type_id = '{RoomTypeId}' AND night = '{secondNight:yyyy-MM-dd}' FOR UPDATE");

        var placing = app.Client.PostAsJsonAsync("/api/bookings", BookingApp.NewBooking("lis-alfama", RoomTypeId, checkIn, checkIn.AddDays(2)));
        // The booking has locked the first night and waits for the second.
        await Eventually.WaitAsync(() => app.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"),
            n => n >= 1, TimeSpan.FromSeconds(20), "the booking waiting for the held night");
        await ExecuteAsync(other, tx, $"SELECT 1 FROM room_nights WHERE room_type_id = '{RoomTypeId}' AND night = '{checkIn:yyyy-MM-dd}' FOR UPDATE");
        await tx.CommitAsync();

        using var response = await placing;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Eventually.WaitAsync(() => DeadlocksAsync(app), n => n > deadlocksBefore, TimeSpan.FromSeconds(20), "PostgreSQL counting the deadlock");
        Assert.Equal(1L, await app.ScalarAsync<long>($"SELECT count(*) FROM bookings WHERE room_type_id = '{RoomTypeId}' AND check_in = '{checkIn:yyyy-MM-dd}'"));
        Assert.Equal(2L, await app.ScalarAsync<long>($"SELECT coalesce(sum(booked), 0)::bigint FROM room_nights WHERE room_type_id = '{RoomTypeId}'"));
    }

    private static Task<long> DeadlocksAsync(BookingApp app) =>
        app.ScalarAsync<long>("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync();
    }
}
