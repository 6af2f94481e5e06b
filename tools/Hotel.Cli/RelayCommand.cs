using System.Runtime.InteropServices;
using Hotel.Cdc;
using Hotel.Eventing.Kafka;
using Microsoft.Extensions.Logging;

namespace Hotel.Cli;

/// <summary><c>./hotel relay</c>: the CDC relay on its own, for databases and a broker given on the command line.</summary>
public static class RelayCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var databases = new List<string>();
        string? bootstrap = Environment.GetEnvironmentVariable("HOTEL_KAFKA_BOOTSTRAP_SERVERS");
        var options = new OutboxRelayOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new CliException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--database": databases.Add(Value()); break;
                case "--bootstrap-servers": bootstrap = Value(); break;
                case "--retention-days":
                    options.RetentionDays = double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0
                        ? d : throw new CliException("--retention-days needs a positive number.");
                    break;
                default: throw new CliException($"unknown option '{args[i]}'. Usage: relay --database <connection string>... --bootstrap-servers host:port");
            }
        }
        if (databases.Count == 0) throw new CliException("give at least one --database <connection string>.");
        if (string.IsNullOrWhiteSpace(bootstrap)) throw new CliException("give --bootstrap-servers host:port (or set HOTEL_KAFKA_BOOTSTRAP_SERVERS).");

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var loggers = CliLogging.Create();
        using var relay = new OutboxRelayService(databases, new KafkaOptions { BootstrapServers = bootstrap }, options, loggers);
        await relay.StartAsync(stop.Token);
        try { await Task.Delay(Timeout.Infinite, stop.Token); }
        catch (OperationCanceledException) { }
        await relay.StopAsync(CancellationToken.None);
        return 0;
    }
}
