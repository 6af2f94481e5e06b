using Hotel.Cli.Run;
using Npgsql;

namespace Hotel.Cli;

/// <summary>
/// Where the databases and the broker of a running suite are, for commands that work on one: from
/// <c>--postgres</c> / <c>--bootstrap-servers</c>, else <c>HOTEL_POSTGRES</c> / <c>HOTEL_KAFKA_BOOTSTRAP_SERVERS</c>
/// (e.g. the docker-compose stack), else the live <c>./hotel run</c>'s <c>.hotel/run.json</c>.
/// </summary>
public sealed record StackTarget(IReadOnlyDictionary<string, string> Databases, string? BootstrapServers)
{
    /// <summary>From the two options when given, else their environment variables, else the live run.</summary>
    public static StackTarget From(string? postgres, string? bootstrap)
    {
        postgres ??= Environment.GetEnvironmentVariable("HOTEL_POSTGRES");
        bootstrap ??= Environment.GetEnvironmentVariable("HOTEL_KAFKA_BOOTSTRAP_SERVERS");
        if (string.IsNullOrWhiteSpace(postgres))
        {
            RunInfo info;
            try { info = RunInfo.ReadLive(ServiceCatalog.DataDirectory(ServiceCatalog.RepositoryRoot())); }
            catch (CliException e) { throw new CliException($"{e.Message} For another stack (docker-compose) give --postgres <connection string> (or HOTEL_POSTGRES)."); }
            return new StackTarget(info.Postgres.Databases, string.IsNullOrWhiteSpace(bootstrap) ? info.Kafka.BootstrapServers : bootstrap);
        }
        NpgsqlConnectionStringBuilder cluster;
        try { cluster = new NpgsqlConnectionStringBuilder(postgres); }
        catch (ArgumentException e) { throw new CliException($"--postgres / HOTEL_POSTGRES is not a connection string: {e.Message}"); }
        // One cluster holds every service's database, named as ./hotel run and docker-compose name them.
        var databases = ServiceCatalog.All.ToDictionary(s => s.Name, s => new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = s.Database }.ConnectionString);
        return new StackTarget(databases, string.IsNullOrWhiteSpace(bootstrap) ? null : bootstrap);
    }
}
