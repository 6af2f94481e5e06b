namespace Hotel.Cli;

/// <summary>A mistake of the caller's: printed as one clear line, no stack trace.</summary>
public sealed class CliException(string message) : Exception(message);

public static class Usage
{
    public const string Text = """
        usage: ./hotel <command>

          run                 start PostgreSQL, the embedded Kafka, the CDC relay and every service; Ctrl+C stops
          test                run every test (installs what is missing)
          bench [--bookings N] [--concurrency N]
                              drive bookings through the pipeline and print throughput and latency
          bench-peer [--rates 250,500,…] [--step-seconds 15] [--peer-tuned]
                              the minimal flow, ours beside Wolverine at the same offered rates (--help for all options)
          dlq list [--all]    list dead letters of every service (needs `./hotel run` running)
          dlq replay <service> <id>...
                              produce chosen dead letters again to their source topic
          relay --database <connection string>... [--bootstrap-servers host:port]
                              run the CDC relay alone (as `run` hosts it)
          rebuild-view [--user e-mail --password p]
                              rebuild customer care's view from the topics (progress, digest check; a supervisor)
          reset               delete local data (.hotel/)

        environment: HOTEL_KAFKA_BOOTSTRAP_SERVERS (use a real Kafka cluster), HOTEL_PG_PORT (default 5433),
                     HOTEL_<SERVICE>_PORT (e.g. HOTEL_BOOKING_PORT, default 5100), HOTEL_DATA (default .hotel),
                     Relay__RetentionDays (outbox archive kept, default 7), Relay__Enabled=false (no built-in relay)
        """;

    public static int Print()
    {
        Console.WriteLine(Text);
        return 0;
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Text);
        return 2;
    }
}
