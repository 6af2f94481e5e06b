using Hotel.Testing;
using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Hotel.Contract.Tests;

/// <summary>No Docker engine runs here, so the Docker path is held correct by parsing: the compose file and each service's Dockerfile.</summary>
public sealed class DockerTests
{
    public static TheoryData<string> Dockerfiles() =>
        new(Directory.GetFiles(Repository.PathOf("services"), "Dockerfile", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Root, f)).Order());

    [Fact]
    public void Compose_file_is_valid_for_debians_docker_compose_1_29()
    {
        var psi = new ProcessStartInfo("docker-compose", ["-f", "docker-compose.yml", "config", "-q"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { throw new InvalidOperationException("docker-compose is not installed: ./hotel test installs Debian's docker-compose package."); }
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "docker-compose config -q: " + errors);

        var compose = Repository.Read("docker-compose.yml");
        Assert.DoesNotMatch(new Regex("^name:", RegexOptions.Multiline), compose); // newer than 1.29
        Assert.DoesNotContain("develop:", compose);
        Assert.DoesNotContain("start_interval", compose);
    }

    [Fact]
    public void Compose_publishes_every_port_on_the_loopback_interface_only()
    {
        var compose = ComposeFile.Load();
        foreach (var service in compose.ServiceNames)
            foreach (var port in compose.Ports(service))
                Assert.True(port.HostIp == "127.0.0.1", $"{service} publishes {port.Host} on {port.HostIp ?? "every interface"}: development credentials and PLAINTEXT Kafka must not be reachable from the network");
    }

    [Fact]
    public void Connect_runs_debeziums_quay_image_with_only_variables_the_image_reads_and_a_short_offset_flush()
    {
        var compose = ComposeFile.Load();
        Assert.Equal("quay.io/debezium/connect:3.0.0.Final", compose.Image("connect"));
        // debezium/container-images v3.0.0.Final connect-base/3.0/docker-entrypoint.sh: these names, and CONNECT_* mapped to properties.
        string[] read = ["BOOTSTRAP_SERVERS", "GROUP_ID", "CONFIG_STORAGE_TOPIC", "OFFSET_STORAGE_TOPIC", "STATUS_STORAGE_TOPIC", "OFFSET_FLUSH_INTERVAL_MS",
            "OFFSET_FLUSH_TIMEOUT_MS", "KEY_CONVERTER", "VALUE_CONVERTER", "SHUTDOWN_TIMEOUT", "ADVERTISED_HOST_NAME", "ADVERTISED_PORT", "REST_HOST_NAME", "REST_PORT", "ENABLE_OTEL"];
        var env = compose.Environment("connect");
        foreach (var name in env.Keys)
            Assert.True(read.Contains(name) || name.StartsWith("CONNECT_", StringComparison.Ordinal), $"connect: {name} is not read by the image");
        Assert.True(int.Parse(env["OFFSET_FLUSH_INTERVAL_MS"]) <= 10_000, "a Connect crash should replay seconds, not the default minute");
    }

    [Fact]
    public void Every_service_with_a_project_is_in_compose_with_its_dockerfile()
    {
        var compose = ComposeFile.Load();
        foreach (var project in Directory.GetFiles(Repository.PathOf("services"), "*.csproj", SearchOption.AllDirectories))
        {
            var dockerfile = Path.Combine(Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(project)!), "Dockerfile");
            Assert.True(File.Exists(Repository.PathOf(dockerfile)), $"{dockerfile} is missing");
            var service = compose.ServiceBuiltFrom(dockerfile);
            Assert.True(service is not null, $"docker-compose.yml builds no service from {dockerfile}");
            var env = compose.Environment(service!);
            Assert.Equal("kafka:9092", env["Kafka__BootstrapServers"]);
            Assert.Equal("false", env["Relay__Enabled"]); // Debezium relays in docker-compose
            Assert.Contains(env.Keys, k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
            // Its telemetry, under its own name, to the dashboard compose runs.
            Assert.Equal("http://aspire-dashboard:18889", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal(service, env["OTEL_SERVICE_NAME"]);
        }
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspire-dashboard:", compose.Image("aspire-dashboard"));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_builds_a_project_that_exists_and_exposes_the_port_it_listens_on(string dockerfile)
    {
        var text = Repository.Read(dockerfile);

        // Multi-stage: the SDK builds, the ASP.NET runtime runs, as a non-root user.
        Assert.Matches(@"FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build", text);
        Assert.Matches(@"FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0", text);
        Assert.Matches(new Regex(@"^USER (?!root)\w+", RegexOptions.Multiline), text);

        var project = Regex.Match(text, @"dotnet publish (\S+\.csproj)").Groups[1].Value;
        Assert.True(File.Exists(Repository.PathOf(project)), $"{dockerfile} publishes {project}, which does not exist");
        Assert.Equal(Path.GetDirectoryName(dockerfile), Path.GetDirectoryName(project));
        var assemblyName = XDocument.Load(Repository.PathOf(project)).Descendants("AssemblyName").FirstOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(project);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assemblyName}.dll\"]", text);

        var exposed = int.Parse(Regex.Match(text, @"^EXPOSE (\d+)", RegexOptions.Multiline).Groups[1].Value);
        Assert.Equal(exposed, int.Parse(Regex.Match(text, @"Urls=http://\+:(\d+)").Groups[1].Value));
        Assert.Equal(exposed, int.Parse(Regex.Match(text, @"ASPNETCORE_HTTP_PORTS=(\d+)").Groups[1].Value));
        Assert.Equal(exposed, int.Parse(Regex.Match(text, @"HEALTHCHECK .*http://localhost:(\d+)/health/ready").Groups[1].Value));

        // Compose publishes that container port for this service.
        var compose = ComposeFile.Load();
        var service = compose.ServiceBuiltFrom(dockerfile);
        Assert.True(service is not null, $"docker-compose.yml builds no service from {dockerfile}");
        Assert.Contains(compose.Ports(service!), p => p.Container == exposed);
    }
}
