using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Hotel.Cli.Bench;
using Hotel.Cli.Run;

namespace Hotel.Cli;

/// <summary>
/// Every command of <c>./hotel</c> with its options: parsing, each command's <c>--help</c> and the usage text all come
/// from this table (System.CommandLine). <c>test</c> and <c>reset</c> are carried out by the bash script, since they
/// must work before anything is built; they are here so that help lists them like the rest.
/// </summary>
public static class CommandTable
{
    private const string Environment = """
        Environment: HOTEL_KAFKA_BOOTSTRAP_SERVERS (a real Kafka cluster instead of the embedded one), HOTEL_PG_PORT (5433),
        HOTEL_<SERVICE>_PORT (e.g. HOTEL_BOOKING_PORT, 5100), HOTEL_DATA (.hotel), Relay__RetentionDays (outbox archive kept, 7),
        Relay__Enabled=false (no built-in relay), Relay__HeartbeatInterval (00:00:30), Relay__StaleSlotAfter (00:10:00).
        """;

    public static RootCommand Build(Termination termination)
    {
        var root = new RootCommand("Hotel: the booking suite on one machine, its tests and its tools.\n" + Environment);
        root.Subcommands.Add(Run(termination));
        root.Subcommands.Add(Test());
        root.Subcommands.Add(Bench(termination));
        root.Subcommands.Add(BenchPeer(termination));
        root.Subcommands.Add(Dlq(termination));
        root.Subcommands.Add(Relay(termination));
        root.Subcommands.Add(Slots(termination));
        root.Subcommands.Add(RebuildView(termination));
        root.Subcommands.Add(HashPassword(termination));
        root.Subcommands.Add(Reset());
        return root;
    }

    /// <summary>Parses and runs one command line; Ctrl+C and SIGTERM are <paramref name="termination"/>'s, not the library's.</summary>
    public static async Task<int> InvokeAsync(string[] args, Termination termination, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = Build(termination).Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            // The errors and where to read more, instead of the library's default of the errors followed by the whole help.
            var path = string.Join(' ', Ancestry(parse.CommandResult).Select(c => c.Command.Name).Reverse().Skip(1).Prepend("./hotel"));
            foreach (var e in parse.Errors) await error.WriteLineAsync($"{path}: {e.Message}");
            await error.WriteLineAsync($"{path} --help shows how to use it.");
            return 2;
        }
        // The script asks first, so that a mistyped option fails before it installs packages and builds the services.
        if (System.Environment.GetEnvironmentVariable("HOTEL_CHECK_ARGUMENTS_ONLY") == "1") return 0;
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            ProcessTerminationTimeout = null, // its default exits 2 s after Ctrl+C, whatever is still running
            EnableDefaultExceptionHandler = false, // a CliException is the caller's mistake: one line, no stack trace (Program)
            Output = output,
            Error = error,
        }, termination.Token); // the token each action is given
    }

    private static IEnumerable<CommandResult> Ancestry(CommandResult result)
    {
        for (var r = result; r is not null; r = r.Parent as CommandResult) yield return r;
    }

    private static Command Run(Termination termination)
    {
        var command = new Command("run", """
            Start PostgreSQL, the embedded Kafka, the CDC relay and every service; Ctrl+C stops them all.
            A service that exits is restarted (backoff 1 s … 30 s); the run stops after HOTEL_MAX_RESTARTS (5) restarts of one
            service within HOTEL_RESTART_WINDOW_MINUTES (10). HOTEL_INSTANCES=2 runs two of billing, notifications and customer
            care (one group each); HOTEL_KAFKA_SESSION_TIMEOUT_SECONDS (30) is how long until a killed consumer's partitions move.
            """);
        command.SetAction((_, _) => LocalRun.RunAsync(termination));
        return command;
    }

    private static Command Test()
    {
        var passed = new Argument<string[]>("dotnet-test-arguments") { Description = "passed to dotnet test, e.g. --filter Name~Refund", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("test", "Run every test against real PostgreSQL, Kafka protocol, SMTP and chromium (installs what is missing, builds first).") { passed };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(_ => ByScript("test"));
        return command;
    }

    private static Command Reset()
    {
        var command = new Command("reset", "Delete the local data (.hotel/, or HOTEL_DATA): every database of ./hotel run. Takes no arguments and refuses any.");
        command.SetAction(_ => ByScript("reset"));
        return command;
    }

    private static int ByScript(string name) =>
        throw new CliException($"{name} is carried out by the ./hotel script itself; run ./hotel {name}.");

    private static Command Bench(Termination termination)
    {
        var rate = Positive<double>("--rate", "open loop: bookings offered per second (default 50)");
        var seconds = Positive<int>("--seconds", "length of the open-loop window (default 30) or of each --find-max step (default 60)");
        var findMax = new Option<bool>("--find-max") { Description = "step the rate up (25, 50, 100, 200, 300, 400, 600…) and bisect until an effect's p99 passes 1 s or its backlog keeps growing" };
        var maxRate = Positive<double>("--max-rate", "--find-max: the highest rate tried (default 3000)");
        var bookings = Positive<int>("--bookings", "closed loop instead: this many bookings (default 2000)");
        var concurrency = Positive<int>("--concurrency", "closed loop: clients, each waiting for its answer (default 16)");
        var drain = Positive<int>("--drain-seconds", "wait for effects after a window (default max(120, 2 × seconds))");
        var idle = Positive<int>("--idle-seconds", "measure the idle suite's CPU this long (default 30)");
        var warmup = Positive<int>("--warmup", "bookings before measuring (default 300)");
        var backlog = Positive<int>("--backlog", "messages of the Kafka baseline (default 20000)");
        var baseline = Positive<int>("--baseline-seconds", "length of the PostgreSQL insert baseline (default 5)");
        var recovery = new Option<bool>("--recovery") { Description = "also: one immediate PostgreSQL restart under the load, and the time until every lag is 0" };
        var telemetry = new Option<bool>("--telemetry") { Description = "with the telemetry dashboard and every process exporting to it, as under ./hotel run (default: without, as in production without a collector)" };
        var command = new Command("bench", """
            Measure the suite on a private stack: bookings offered open-loop (or closed-loop, or stepped up to the highest rate
            sustained), API and commit→effect latency per consumer and mail, CPU per booking per process, the idle suite's CPU,
            PostgreSQL and Kafka baselines. Figures and PNG plots go to .hotel/bench-results.json and .hotel/bench-*.png.
            Prints figures; asserts nothing. Ctrl+C stops the bench's services and PostgreSQL.
            """)
        { rate, seconds, findMax, maxRate, bookings, concurrency, drain, idle, warmup, backlog, baseline, recovery, telemetry };
        command.SetAction((parse, _) =>
        {
            var settings = BenchSettings.From(parse.GetValue(rate), parse.GetValue(findMax), parse.GetValue(maxRate), parse.GetValue(bookings),
                parse.GetValue(concurrency), parse.GetValue(seconds), parse.GetValue(drain), parse.GetValue(idle), parse.GetValue(warmup),
                parse.GetValue(backlog), parse.GetValue(baseline), parse.GetValue(recovery), parse.GetValue(telemetry));
            return BenchCommand.RunAsync(settings, termination);
        });
        return command;
    }

    private static Command BenchPeer(Termination termination)
    {
        var rates = new Option<string>("--rates") { Description = "offered rates, events/s, comma-separated (default 250,500,1000,1500,2000,3000,4000)" };
        rates.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } list && list.Split(',', StringSplitOptions.TrimEntries).Any(x => !double.TryParse(x, CultureInfo.InvariantCulture, out var v) || v <= 0))
                r.AddError($"--rates takes positive numbers separated by commas, not '{list}'.");
        });
        var step = Positive<double>("--step-seconds", "length of each step (default 15)");
        var writers = Positive<int>("--writers", "open-loop writer tasks (default 16)");
        var drain = Positive<double>("--drain-seconds", "wait for the consumer after a step (default 30)");
        var tuned = new Option<bool>("--peer-tuned") { Description = "also run Wolverine tuned for latency (outgoing batch timeout 2 ms instead of 250 ms)" };
        var keepGoing = new Option<bool>("--keep-going") { Description = "keep stepping a side up after it missed two steps in a row" };
        var command = new Command("bench-peer", """
            The minimal flow (a booking row and its event committed together, one hop through Kafka, one consumer applying it
            exactly once), this project's outbox + relay + consumer host beside Wolverine, on one PostgreSQL and one embedded
            broker, at the same open-loop rates. Figures go to .hotel/bench-peer-results.json.
            """)
        { rates, step, writers, drain, tuned, keepGoing };
        command.SetAction((parse, ct) =>
        {
            var args = new List<string>();
            void Add(Option option, object? value)
            {
                if (value is true) args.Add(option.Name);
                else if (value is not (null or false)) args.AddRange([option.Name, Convert.ToString(value, CultureInfo.InvariantCulture)!]);
            }
            Add(rates, parse.GetValue(rates));
            Add(step, parse.GetValue(step));
            Add(writers, parse.GetValue(writers));
            Add(drain, parse.GetValue(drain));
            Add(tuned, parse.GetValue(tuned));
            Add(keepGoing, parse.GetValue(keepGoing));
            return PeerCommand.RunAsync(args, ct);
        });
        return command;
    }

    private static Command Dlq(Termination termination)
    {
        var postgres = PostgresOption();
        var bootstrap = new Option<string>("--bootstrap-servers") { Description = "the broker to replay to (default HOTEL_KAFKA_BOOTSTRAP_SERVERS, else the run's)", Recursive = true };
        var all = new Option<bool>("--all") { Description = "replayed dead letters too" };
        var list = new Command("list", "List the dead letters of every service.") { all };
        list.SetAction(parse => Quick(termination, () => DlqCommand.ListAsync(StackTarget.From(parse.GetValue(postgres), parse.GetValue(bootstrap)), parse.GetValue(all))));
        var service = new Argument<string>("service") { Description = "booking, billing, notifications or customer-care" };
        var ids = new Argument<long[]>("id") { Description = "dead-letter ids, from dlq list", Arity = ArgumentArity.OneOrMore };
        var replay = new Command("replay", "Produce chosen dead letters again to their source topic (consumers deduplicate by event id).") { service, ids };
        replay.SetAction(parse => Quick(termination, () => DlqCommand.ReplayAsync(StackTarget.From(parse.GetValue(postgres), parse.GetValue(bootstrap)), parse.GetValue(service)!, parse.GetValue(ids)!)));
        return new Command("dlq", "Dead letters of every service: of ./hotel run, or of the cluster given (--postgres / HOTEL_POSTGRES, e.g. docker-compose's).")
        { postgres, bootstrap, list, replay };
    }

    private static Command Relay(Termination termination)
    {
        var databases = new Option<string[]>("--database") { Description = "an outbox database's connection string; repeat for each", Required = true, Arity = ArgumentArity.OneOrMore };
        var bootstrap = new Option<string>("--bootstrap-servers") { Description = "the broker (default HOTEL_KAFKA_BOOTSTRAP_SERVERS)" };
        var retention = Positive<double>("--retention-days", "days of outbox archive kept (default Relay__RetentionDays, 7)");
        var command = new Command("relay", "Run the CDC relay alone, as ./hotel run starts it (as a child process). Relay__* variables set the rest.")
        { databases, bootstrap, retention };
        command.SetAction((parse, ct) => RelayCommand.RunAsync(parse.GetValue(databases)!, parse.GetValue(bootstrap), parse.GetValue(retention), ct));
        return command;
    }

    private static Command Slots(Termination termination)
    {
        var postgres = PostgresOption();
        var list = new Command("list", "Every replication slot: database, reader, WAL it retains, wal_status (the default).");
        list.SetAction(parse => Quick(termination, () => SlotsCommand.ListAsync(parse.GetValue(postgres), parse.InvocationConfiguration.Output)));
        var slot = new Argument<string>("slot") { Description = "the slot's name, from slots list" };
        var drop = new Command("drop", "Drop a slot no reader uses (an active one is refused); a relay's own slot is made again on its next start, with a full republish of its outbox archive.") { slot };
        drop.SetAction(parse => Quick(termination, () => SlotsCommand.DropAsync(parse.GetValue(postgres), parse.GetValue(slot)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));
        var command = new Command("slots", "Replication slots of the cluster (that of ./hotel run, else 127.0.0.1:HOTEL_PG_PORT).") { postgres, list, drop };
        command.SetAction(parse => Quick(termination, () => SlotsCommand.ListAsync(parse.GetValue(postgres), parse.InvocationConfiguration.Output)));
        return command;
    }

    private static Command RebuildView(Termination termination)
    {
        var url = new Option<string>("--url") { Description = "customer care (default HOTEL_CUSTOMER_CARE_URL, else the run's)" };
        var user = new Option<string>("--user") { Description = "a supervisor's e-mail (default HOTEL_AGENT_EMAIL, else the development supervisor)" };
        var password = new Option<string>("--password") { Description = "its password (default HOTEL_AGENT_PASSWORD)" };
        var timeout = Positive<int>("--timeout", "seconds to wait for the replay to catch up (default 600)");
        var command = new Command("rebuild-view", """
            Rebuild customer care's view from the topics: the service empties it and replays every topic from the earliest offset
            in a new consumer group; progress is shown until it caught up, then the view's digest is compared with the one before.
            Ctrl+C stops watching; the rebuild goes on in customer care, since stopping it half-way would leave the view half-filled.
            """)
        { url, user, password, timeout };
        command.SetAction((parse, ct) => RebuildViewCommand.RunAsync(parse.GetValue(url), parse.GetValue(user), parse.GetValue(password),
            TimeSpan.FromSeconds(parse.GetValue(timeout) ?? 600), ct));
        return command;
    }

    private static Command HashPassword(Termination termination)
    {
        var email = new Option<string>("--email") { Description = "the agent's e-mail", Required = true };
        var name = new Option<string>("--name") { Description = "the agent's full name (default: the e-mail)" };
        var role = new Option<string>("--role") { Description = "agent or supervisor", DefaultValueFactory = _ => "agent" };
        role.AcceptOnlyFromAmong("agent", "supervisor");
        var command = new Command("hash-password", """
            Read a password (typed twice without echo, or the first line of stdin) and print customer care's agent entry with
            its PBKDF2 hash, for appsettings (Agents) or the environment. The password never appears in the output.
            """)
        { email, name, role };
        command.SetAction(parse =>
        {
            using var exit = termination.ExitOnFirstSignal(); // blocked in Console.ReadKey, where no token reaches
            return HashPasswordCommand.Run(parse.GetValue(email)!, parse.GetValue(name), parse.GetValue(role)!, Console.In, parse.InvocationConfiguration.Output, Console.IsInputRedirected);
        });
        return command;
    }

    /// <summary>A short command with nothing to stop: the first Ctrl+C ends it.</summary>
    private static async Task<int> Quick(Termination termination, Func<Task<int>> action)
    {
        using var exit = termination.ExitOnFirstSignal();
        return await action();
    }

    private static Option<string> PostgresOption() =>
        new("--postgres") { Description = "the cluster's connection string (default HOTEL_POSTGRES, else ./hotel run's)", Recursive = true };

    /// <summary>A number that must be above 0 when given; null when not given, so the command's own default applies.</summary>
    private static Option<T?> Positive<T>(string name, string description) where T : struct, INumber<T> =>
        new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                var token = r.Tokens.FirstOrDefault()?.Value;
                if (T.TryParse(token, CultureInfo.InvariantCulture, out var value) && value > T.Zero) return value;
                r.AddError($"{name} needs a positive {(typeof(T) == typeof(int) ? "whole number" : "number")}, not '{token}'.");
                return null;
            },
        };
}
