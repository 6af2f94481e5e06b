namespace Hotel.Booking.Bookings;

using Npgsql;

/// <summary>
/// Serialization failures (40001) and deadlocks (40P01): PostgreSQL rolled the transaction back and the same
/// transaction run again normally succeeds, so the booking API runs it again a bounded number of times.
/// Only these of the transient failures (<see cref="Hotel.Eventing.TransientFailures"/>): a connection lost during the
/// commit leaves its outcome unknown, and running the transaction again could place the booking twice. Those, and these
/// past <see cref="MaxAttempts"/>, are answered 503 with Retry-After by the shared TransientFailureExceptionHandler.
/// </summary>
public static class TransientDatabaseErrors
{
    /// <summary>Runs of a transaction before the error reaches the caller (as 503 with Retry-After, never a 500).</summary>
    public const int MaxAttempts = 5;

    public static bool IsTransient(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
                return true;
        return false;
    }

    /// <summary>A short random pause, so the transactions that collided do not run again in step.</summary>
    public static Task PauseAsync(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
}
