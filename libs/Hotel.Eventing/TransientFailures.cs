using System.Data.Common;
using System.Net.Sockets;

namespace Hotel.Eventing;

/// <summary>
/// The one place that tells an infrastructure failure, which passes if waited out, from a deterministic one.
/// Transient: anything a database provider marks <see cref="DbException.IsTransient"/> (for Npgsql: connection
/// refused, reset or timed out, PostgreSQL shutting down or in recovery (57P01, 57P03), serialization failures and
/// deadlocks (40001, 40P01), too many connections…; read at Npgsql's source, <c>PostgresException.IsTransient</c>),
/// and sockets, network I/O and timeouts anywhere in the chain of inner exceptions (EF Core wraps the provider's exception
/// in an <see cref="InvalidOperationException"/> or a DbUpdateException).
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DbException { IsTransient: true }:
                case SocketException:
                case TimeoutException:
                    return true;
                case IOException when e is not (FileNotFoundException or DirectoryNotFoundException): // a missing file stays missing
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsTransient):
                    return true;
            }
        }
        return false;
    }
}
