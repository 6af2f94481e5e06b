namespace Hotel.Cli;

/// <summary>A mistake of the caller's: printed as one clear line, no stack trace.</summary>
public sealed class CliException(string message) : Exception(message);

public static class Usage
{
    public const string Text = """
        usage: ./hotel <command>

          run                 start PostgreSQL, the embedded Kafka, the CDC relay and every service; Ctrl+C stops;
                              a service that exits is restarted (backoff 1 s … 30 s); the run stops after
                              HOTEL_MAX_RESTARTS (5) restarts of one service within HOTEL_RESTART_WINDOW_MINUTES (10);
                              HOTEL_INSTANCES=2 runs two of billing, notifications and customer care (one group each);
                              HOTEL_KAFKA_SESSION_TIMEOUT_SECONDS (30) until a killed consumer's partitions move
          test                run every test (installs what is missing)
          bench [--rate R] [--seconds S]
                              offer R bookings/s open-loop for S seconds (default 50/s, 30 s) on a private stack
                              and print rates, API and commit→effect latency per consumer and mail, CPU per booking
                              per process, the idle suite's CPU and the PostgreSQL/Kafka baselines
          bench --find-max [--seconds S] [--max-rate R]
                              step the rate up (25, 50, 100, 200, 300, 400, 600…) and bisect until an effect's p99
                              passes 1 s or its backlog keeps growing; steps of S seconds (default 60), a line each
          bench --bookings N [--concurrency C]
                              closed loop instead: N bookings from C clients that wait for each answer
                bench options: --drain-seconds S (wait for effects after a window, default max(120, 2×S)),
                --idle-seconds S (30), --warmup N (20), --backlog N (relay backlog, 20000), --baseline-seconds S (5),
                --recovery (also: one immediate PostgreSQL restart under the load, and the time until every lag is 0);
                figures and PNG plots go to .hotel/bench-results.json and .hotel/bench-*.png
          bench-peer [--rates 250,500,…] [--step-seconds 15] [--peer-tuned]
                              the minimal flow, ours beside Wolverine at the same offered rates (--help for all options)
          dlq list [--all] [--postgres <connection string>]
                              list dead letters of every service (of `./hotel run`, or of the cluster given:
                              --postgres / HOTEL_POSTGRES, e.g. docker-compose's)
          dlq replay <service> <id>... [--postgres <cs>] [--bootstrap-servers host:port]
                              produce chosen dead letters again to their source topic (broker: the flag,
                              HOTEL_KAFKA_BOOTSTRAP_SERVERS, else the run's)
          relay --database <connection string>... [--bootstrap-servers host:port]
                              run the CDC relay alone (as `run` starts it, as a child process)
          slots [list] [--postgres <connection string>]
                              replication slots of the cluster (that of `./hotel run`, else 127.0.0.1:HOTEL_PG_PORT):
                              database, reader, WAL each retains, wal_status
          slots drop <slot> [--postgres <connection string>]
                              drop a slot no reader uses (refuses an active one); a relay's own slot is made again on
                              its next start, with a full republish of its outbox archive
          rebuild-view [--url http://127.0.0.1:5400] [--user e-mail --password p]
                              rebuild customer care's view from the topics (progress, digest check; a supervisor);
                              the service from --url or HOTEL_CUSTOMER_CARE_URL, else the run's
          hash-password --email e-mail [--name "Full Name"] [--role agent|supervisor]
                              read a password (prompted twice, or one line from stdin) and print the customer-care
                              agent entry with its PBKDF2 hash, for appsettings (Agents) or the environment
          reset               delete local data (.hotel/)

        environment: HOTEL_KAFKA_BOOTSTRAP_SERVERS (use a real Kafka cluster), HOTEL_PG_PORT (default 5433),
                     HOTEL_<SERVICE>_PORT (e.g. HOTEL_BOOKING_PORT, default 5100), HOTEL_DATA (default .hotel),
                     Relay__RetentionDays (outbox archive kept, default 7), Relay__Enabled=false (no built-in relay),
                     Relay__HeartbeatInterval (00:00:30), Relay__StaleSlotAfter (00:10:00: warn about a slot no reader uses)
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
