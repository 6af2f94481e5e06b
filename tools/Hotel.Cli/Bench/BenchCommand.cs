using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Hotel.Cli.Run;
using Hotel.Eventing;
using Hotel.LocalInfra;
using Microsoft.Extensions.Logging;
using Npgsql;
using Spectre.Console;

namespace Hotel.Cli.Bench;

/// <summary>
/// <c>./hotel bench</c>: starts a private stack (durable PostgreSQL, embedded Kafka, the services,
/// the relay) in a scratch directory and measures, in one run, the pipeline beside raw baselines on
/// the same PostgreSQL and Kafka. Prints figures; asserts nothing.
/// </summary>
public static class BenchCommand
{
    public sealed record Settings(int Bookings, int Concurrency, int Backlog, int BaselineSeconds);

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = Parse(args);
        var root = ServiceCatalog.RepositoryRoot();
        var scratch = Path.Combine(ServiceCatalog.DataDirectory(root), "bench-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        using var loggers = CliLogging.Create(LogLevel.Warning);
        var ports = ServiceCatalog.All.ToDictionary(s => s.Name, _ => EmbeddedPostgres.FreeTcpPort());
        var options = new LocalStack.Options(scratch, 0, Durable: true, ExternalKafka: null, s => ports[s.Name], EchoServiceOutput: false);

        // Every benchmark booking pays with the same test card: lift billing's velocity rules so none is held.
        // Service processes inherit this environment.
        Environment.SetEnvironmentVariable("Fraud__MaxBookingsPerCard", "100000000");
        Environment.SetEnvironmentVariable("Fraud__MaxEmailsPerCard", "100000000");
        // Its own dev inbox, beside any ./hotel run on the default ports.
        Environment.SetEnvironmentVariable("HOTEL_SMTP_PORT", EmbeddedPostgres.FreeTcpPort().ToString());
        Environment.SetEnvironmentVariable("HOTEL_INBOX_PORT", EmbeddedPostgres.FreeTcpPort().ToString());

        AnsiConsole.MarkupLine($"[bold]Hotel benchmark[/]: {settings.Bookings} bookings at concurrency {settings.Concurrency}, relay backlog of {settings.Backlog} events; {Environment.ProcessorCount} cores");
        var results = new List<(string Measure, string Value)>();
        try
        {
            await using var stack = await Step("Starting PostgreSQL, embedded Kafka, services and relay", () => LocalStack.StartAsync(root, options, loggers, CancellationToken.None));
            var bookingCs = stack.Postgres.ConnectionString("booking");
            var bookingUrl = stack.UrlOf(stack.Services.Single(s => s.Name == "booking"), options.PortOf);

            var pgRate = await Step($"Baseline: single-row inserts, 8 connections, {settings.BaselineSeconds} s", () => PostgresInsertRateAsync(stack.Postgres, settings.BaselineSeconds));
            var kafkaRate = await Step("Baseline: Kafka produce→consume", () => Task.Run(() => KafkaRate(stack, settings.Backlog)));
            var booking = await Step($"Pipeline: {settings.Bookings} bookings through the booking API", () => BookingsAsync(stack, options.PortOf, bookingUrl, bookingCs, settings));
            var backlog = await Step($"Relay: backlog of {settings.Backlog} outbox events", () => RelayBacklogAsync(stack, bookingCs, settings.Backlog));

            results.Add(("PostgreSQL single-row inserts (8 connections)", $"{pgRate:N0} rows/s"));
            results.Add(("Kafka produce→consume (embedded broker)", $"{kafkaRate:N0} msgs/s"));
            results.Add(("Bookings committed (HTTP 201)", $"{booking.PerSecond:N0} bookings/s  ({booking.Placed} placed, {booking.Rejected} rejected)"));
            results.Add(("  ratio to PostgreSQL insert baseline", $"{booking.PerSecond / pgRate:P1}"));
            results.Add(("Commit→consumer latency, booking.events", $"p50 {booking.P50:N1} ms · p95 {booking.P95:N1} ms · p99 {booking.P99:N1} ms · max {booking.Max:N1} ms"));
            foreach (var consumer in booking.Consumers)
                results.Add(($"  commit→{consumer.Effect}", consumer.Applied < booking.Placed
                    ? $"only {consumer.Applied} of {booking.Placed} applied within the deadline"
                    : $"p50 {consumer.P50:N1} ms · p99 {consumer.P99:N1} ms · {consumer.PerSecond:N0} events/s"));
            results.Add(("Relay throughput on a backlog", $"{backlog:N0} events/s"));
            results.Add(("  ratio to Kafka produce→consume baseline", $"{backlog / kafkaRate:P1}"));

            var table = new Table().Title("[bold]Results[/]").AddColumn("measure").AddColumn("figure");
            foreach (var (measure, value) in results) table.AddRow(Markup.Escape(measure), Markup.Escape(value));
            AnsiConsole.Write(table);
            var json = JsonSerializer.Serialize(new { settings, pgRowsPerSecond = pgRate, kafkaMessagesPerSecond = kafkaRate, booking, relayBacklogEventsPerSecond = backlog },
                new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
            var resultsFile = Path.Combine(ServiceCatalog.DataDirectory(root), "bench-results.json");
            await File.WriteAllTextAsync(resultsFile, json);
            AnsiConsole.MarkupLineInterpolated($"Figures also in {resultsFile}");
            return 0;
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static Settings Parse(string[] args)
    {
        var s = new Settings(Bookings: 2000, Concurrency: 16, Backlog: 20000, BaselineSeconds: 5);
        for (var i = 0; i < args.Length; i++)
        {
            int Value() => i + 1 < args.Length && int.TryParse(args[++i], out var v) && v > 0 ? v : throw new CliException($"{args[i - 1]} needs a positive number.");
            s = args[i] switch
            {
                "--bookings" => s with { Bookings = Value() },
                "--concurrency" => s with { Concurrency = Value() },
                "--backlog" => s with { Backlog = Value() },
                "--baseline-seconds" => s with { BaselineSeconds = Value() },
                _ => throw new CliException($"unknown option '{args[i]}'. Usage: bench [--bookings N] [--concurrency N] [--backlog N] [--baseline-seconds N]"),
            };
        }
        return s;
    }

    private static async Task<T> Step<T>(string title, Func<Task<T>> work)
    {
        AnsiConsole.MarkupLineInterpolated($"[grey]…[/] {title}");
        var sw = Stopwatch.StartNew();
        var result = await work();
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {title} [grey]({sw.Elapsed.TotalSeconds:N1} s)[/]");
        return result;
    }

    private static async Task<double> PostgresInsertRateAsync(EmbeddedPostgres postgres, int seconds)
    {
        await postgres.EnsureDatabaseAsync("bench");
        var cs = postgres.ConnectionString("bench");
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("DROP TABLE IF EXISTS bench_rows; CREATE TABLE bench_rows (id uuid PRIMARY KEY, payload jsonb NOT NULL, at timestamptz NOT NULL)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var payload = JsonSerializer.Serialize(new { reference = "HTL-BENCH1", guest = new { name = "Bench Guest", email = "bench@example.com" }, totalAmount = 240.0m });
        long rows = 0;
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("INSERT INTO bench_rows VALUES ($1, $2::jsonb, now())", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.Empty });
            cmd.Parameters.Add(new NpgsqlParameter { Value = payload });
            await cmd.PrepareAsync();
            while (until.Elapsed.TotalSeconds < seconds)
            {
                cmd.Parameters[0].Value = Guid.CreateVersion7();
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Increment(ref rows);
            }
        }));
        return rows / until.Elapsed.TotalSeconds;
    }

    private static double KafkaRate(LocalStack stack, int count)
    {
        var topic = "bench.raw";
        stack.EmbeddedKafka?.CreateTopic(topic, ServiceCatalog.Partitions);
        var value = new string('x', 600);
        using var consumer = NewReader(stack.BootstrapServers, topic);
        var sw = Stopwatch.StartNew();
        using (var producer = new ProducerBuilder<string, string>(new Eventing.Kafka.KafkaOptions { BootstrapServers = stack.BootstrapServers }.ProducerConfig("bench"))
            .SetLogHandler((_, _) => { }).Build())
        {
            for (var i = 0; i < count; i++)
            {
                while (true)
                {
                    try { producer.Produce(topic, new Message<string, string> { Key = "k" + (i % 97), Value = value }); break; }
                    catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(5)); }
                }
            }
            producer.Flush(TimeSpan.FromMinutes(1));
        }
        var read = 0;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (read < count && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { Message: not null }) read++;
        if (read < count) throw new CliException($"the Kafka baseline read {read} of {count} messages within 2 minutes.");
        return count / sw.Elapsed.TotalSeconds;
    }

    public sealed record BookingFigures(int Placed, int Rejected, double PerSecond, double P50, double P95, double P99, double Max, List<ConsumerFigures> Consumers);

    /// <summary>Commit of a BookingPlaced → an effect of it in a consumer: its inbox row (applied, in the transaction of the change), or a mail accepted.</summary>
    public sealed record ConsumerFigures(string Effect, int Applied, double P50, double P99, double PerSecond);

    private static async Task<BookingFigures> BookingsAsync(LocalStack stack, Func<ServiceDefinition, int> portOf, string bookingUrl, string bookingCs, Settings settings)
    {
        using var http = new HttpClient { BaseAddress = new Uri(bookingUrl), Timeout = TimeSpan.FromSeconds(30) };
        var hotels = await http.GetFromJsonAsync<List<HotelDto>>("/api/hotels") ?? throw new CliException("GET /api/hotels returned nothing.");
        var slots = Slots(hotels, settings.Bookings);
        var paymentMethodId = await TestCardAsync(stack, portOf);

        var arrivals = new ConcurrentDictionary<string, DateTime>();
        using var listening = new CancellationTokenSource();
        using var eventsReader = NewReader(stack.BootstrapServers, "booking.events", Offset.End); // positioned before the first booking
        var listener = Task.Run(() => Listen(eventsReader, arrivals, listening.Token));

        int placed = 0, rejected = 0, next = -1;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(async worker =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < slots.Count)
            {
                var (hotel, roomType, checkIn) = slots[i];
                using var response = await http.PostAsJsonAsync("/api/bookings", new
                {
                    hotelId = hotel,
                    roomTypeId = roomType,
                    checkIn = checkIn.ToString("yyyy-MM-dd"),
                    checkOut = checkIn.AddDays(1).ToString("yyyy-MM-dd"),
                    guest = new { name = $"Bench Guest {i}", email = $"guest{i}@bench.example" },
                    paymentMethodId,
                });
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref placed); else Interlocked.Increment(ref rejected);
            }
        }));
        var perSecond = placed / sw.Elapsed.TotalSeconds;

        // Commit time of each booking's outbox row, from PostgreSQL (track_commit_timestamp), against its arrival at a consumer.
        var commits = new Dictionary<string, DateTime>();
        await using (var conn = new NpgsqlConnection(bookingCs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT id::text, pg_xact_commit_timestamp(xmin) FROM outbox WHERE type = 'BookingPlaced'", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                if (!reader.IsDBNull(1)) commits[reader.GetString(0)] = reader.GetFieldValue<DateTime>(1).ToUniversalTime();
        }
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (commits.Keys.Any(id => !arrivals.ContainsKey(id)) && DateTime.UtcNow < deadline) await Task.Delay(50);
        await listening.CancelAsync();
        await listener;
        var missing = commits.Keys.Count(id => !arrivals.ContainsKey(id));
        if (missing > 0) throw new CliException($"{missing} committed bookings never reached booking.events within 2 minutes.");

        var latencies = commits.Select(c => (arrivals[c.Key] - c.Value).TotalMilliseconds).Order().ToArray();
        var consumers = new List<ConsumerFigures>();
        foreach (var service in stack.Services.Where(s => s.Name != "booking"))
        {
            var cs = stack.Postgres.ConnectionString(service.Database);
            consumers.Add(await ConsumerLatencyAsync($"applied by {service.Name} (inbox)", cs, commits,
                "SELECT event_id::text, processed_at FROM inbox WHERE event_id = ANY($1)"));
            if (service.Name == "notifications")
                consumers.Add(await ConsumerLatencyAsync("confirmation mail accepted by SMTP", cs, commits,
                    "SELECT event_id::text, sent_at FROM emails WHERE kind = 'Confirmation' AND sent_at IS NOT NULL AND event_id = ANY($1)"));
        }
        return new BookingFigures(placed, rejected, perSecond, Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99), latencies.LastOrDefault(), consumers);
    }

    /// <param name="sql">Selects (event id, time of the effect) for the event ids in $1.</param>
    private static async Task<ConsumerFigures> ConsumerLatencyAsync(string effect, string cs, Dictionary<string, DateTime> commits, string sql)
    {
        var ids = commits.Keys.Select(Guid.Parse).ToArray();
        var applied = new Dictionary<string, DateTime>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        while (true)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
            applied.Clear();
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) applied[reader.GetString(0)] = reader.GetFieldValue<DateTime>(1).ToUniversalTime();
            if (applied.Count >= ids.Length || DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        if (applied.Count == 0) return new ConsumerFigures(effect, 0, double.NaN, double.NaN, 0);
        var latencies = applied.Select(a => (a.Value - commits[a.Key]).TotalMilliseconds).Order().ToArray();
        var span = (applied.Values.Max() - commits.Values.Min()).TotalSeconds;
        return new ConsumerFigures(effect, applied.Count, Percentile(latencies, 50), Percentile(latencies, 99), applied.Count / Math.Max(span, 0.001));
    }

    /// <summary>A tokenised sandbox card that always succeeds (billing's 4242…), so billing charges every booking.</summary>
    private static async Task<string> TestCardAsync(LocalStack stack, Func<ServiceDefinition, int> portOf)
    {
        var billing = stack.Services.FirstOrDefault(s => s.Name == "billing");
        if (billing is null) return "pm_bench";
        using var http = new HttpClient { BaseAddress = new Uri(stack.UrlOf(billing, portOf)) };
        using var response = await http.PostAsJsonAsync("/api/payment-methods",
            new { number = "4242424242424242", expMonth = 12, expYear = DateTime.UtcNow.Year + 3, cvc = "123", holderName = "Bench Guest" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>One-night stays spread over room types and dates so inventory never runs out.</summary>
    private static List<(string Hotel, string RoomType, DateOnly CheckIn)> Slots(List<HotelDto> hotels, int count)
    {
        var slots = new List<(string, string, DateOnly)>();
        var start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        for (var day = 0; slots.Count < count && day < 700; day++)
            foreach (var hotel in hotels)
                foreach (var roomType in hotel.RoomTypes)
                    for (var room = 0; room < roomType.Rooms && slots.Count < count; room++)
                        slots.Add((hotel.Id, roomType.Id, start.AddDays(day)));
        if (slots.Count < count) throw new CliException($"the seeded inventory holds only {slots.Count} one-night stays; ask for fewer bookings.");
        return slots.OrderBy(_ => Random.Shared.Next()).ToList();
    }

    private static async Task<double> RelayBacklogAsync(LocalStack stack, string bookingCs, int count)
    {
        const string aggregateType = "benchbacklog";
        stack.EmbeddedKafka?.CreateTopic(Topics.ForAggregate(aggregateType), ServiceCatalog.Partitions);
        var arrivals = new ConcurrentDictionary<string, DateTime>();
        using var listening = new CancellationTokenSource();
        using var reader = NewReader(stack.BootstrapServers, Topics.ForAggregate(aggregateType));
        var listener = Task.Run(() => Listen(reader, arrivals, listening.Token));
        await using var conn = new NpgsqlConnection(bookingCs);
        await conn.OpenAsync();

        // One event through the running relay first, so the topic is not empty and the backlog is read from the WAL, not republished.
        await InsertOutboxRowsAsync(conn, aggregateType, 1);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (arrivals.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(20);
        if (arrivals.IsEmpty) throw new CliException("the warm-up event never reached Kafka.");

        await stack.StopRelayAsync();
        for (var done = 0; done < count; done += 100) // transactions of 100 rows, as a burst of writes would commit
            await InsertOutboxRowsAsync(conn, aggregateType, Math.Min(100, count - done));
        var sw = Stopwatch.StartNew();
        await stack.StartRelayAsync(CancellationToken.None);
        deadline = DateTime.UtcNow.AddMinutes(3);
        count++; // with the warm-up event
        while (arrivals.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        var elapsed = sw.Elapsed.TotalSeconds;
        await listening.CancelAsync();
        await listener;
        if (arrivals.Count < count) throw new CliException($"the relay delivered {arrivals.Count} of {count} backlog events within 3 minutes.");
        return count / elapsed;
    }

    private static async Task InsertOutboxRowsAsync(NpgsqlConnection conn, string aggregateType, int rows)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, timestamp) " +
            "SELECT gen_random_uuid(), $1, 'agg-' || (g % 500), 'BenchEvent', $2::jsonb, clock_timestamp() FROM generate_series(1, $3) g", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = aggregateType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = BacklogPayload });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows });
        await cmd.ExecuteNonQueryAsync();
    }

    private static readonly string BacklogPayload = JsonSerializer.Serialize(
        new { reference = "HTL-BENCH1", guest = new { name = "Bench Guest", email = "bench@example.com" }, totalAmount = 240.0m, version = 1 });

    private static void Listen(IConsumer<string, string> consumer, ConcurrentDictionary<string, DateTime> arrivals, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(50));
            if (result?.Message?.Headers?.TryGetLastBytes(EventHeaders.Id, out var id) == true)
                arrivals.TryAdd(Encoding.UTF8.GetString(id), DateTime.UtcNow);
        }
    }

    private static IConsumer<string, string> NewReader(string bootstrap, string topic, Offset? start = null)
    {
        var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic).Partitions;
        var offsets = partitions.Select(p =>
        {
            var tp = new TopicPartition(topic, p.PartitionId);
            var position = start == Offset.End ? consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High : Offset.Beginning;
            return new TopicPartitionOffset(tp, position);
        }).ToList();
        consumer.Assign(offsets);
        return consumer;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed record HotelDto(string Id, string Name, List<RoomTypeDto> RoomTypes);

    private sealed record RoomTypeDto(string Id, string Name, int Rooms);
}
