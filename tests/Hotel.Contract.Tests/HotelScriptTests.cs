using System.Text.RegularExpressions;
using Hotel.Testing;

namespace Hotel.Contract.Tests;

/// <summary>
/// The <c>./hotel</c> script, for what it answers without installing or building the services: help of every command
/// (from the CLI's command table), unknown commands and options, <c>reset</c>, and the commands that need no service.
/// </summary>
public sealed partial class HotelScriptTests
{
    /// <summary>Every command the README's code blocks show as <c>./hotel &lt;command&gt;</c>.</summary>
    private static List<string> ReadmeCommandNames() =>
        ReadmeCommandLine().Matches(Repository.Read("README.md")).Select(m => m.Groups[1].Value).Distinct().ToList();

    public static TheoryData<string> ReadmeCommands() => new(ReadmeCommandNames());

    [Fact]
    public void The_readme_shows_the_commands_these_tests_walk_through() =>
        Assert.Superset(new HashSet<string> { "run", "test", "bench", "bench-peer", "dlq", "relay", "slots", "rebuild-view", "hash-password", "reset" },
            ReadmeCommandNames().ToHashSet());

    [Theory]
    [MemberData(nameof(ReadmeCommands))]
    public async Task Every_command_of_the_readme_answers_help_through_the_script_without_installing_or_building_the_services(string command)
    {
        var data = EmptyDataDirectory();

        var (code, output) = await HotelAsync(data, command, "--help");

        Assert.True(code == 0, output);
        Assert.Contains($"hotel {command}", output); // its own usage line, not the overview
        Assert.Contains("Usage:", output);
        Assert.DoesNotContain("building (Release)", output); // the services were not built
        Assert.DoesNotContain("apt-get", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data)); // nor anything started (bench would make bench-*/, run pg/)

        var (listed, overview) = await HotelAsync(data, "help");
        Assert.Equal(0, listed);
        Assert.Matches($@"(?m)^\s+{Regex.Escape(command)}\b", overview);
    }

    [Theory]
    [InlineData("dlq list")]
    [InlineData("dlq replay")]
    [InlineData("slots list")]
    [InlineData("slots drop")]
    public async Task Subcommands_answer_help_of_their_own(string command)
    {
        var (code, output) = await HotelAsync(EmptyDataDirectory(), [.. command.Split(' '), "-h"]);

        Assert.True(code == 0, output);
        Assert.Contains($"hotel {command}", output);
    }

    [Theory]
    [InlineData("reboot")]
    [InlineData("rebuild")]
    public async Task An_unknown_command_is_an_error_that_points_at_help(string command)
    {
        var (code, output) = await HotelAsync(EmptyDataDirectory(), command);

        Assert.Equal(2, code);
        Assert.Contains($"Unrecognized command or argument '{command}'", output);
        Assert.Contains("./hotel --help", output);
    }

    [Theory]
    [InlineData("slots", "--postgress")]
    [InlineData("rebuild-view", "--users")]
    [InlineData("hash-password", "--email")] // a value missing
    [InlineData("bench", "--rate")]
    [InlineData("run", "--now")]
    public async Task An_unknown_option_or_a_missing_value_is_an_error_before_anything_runs(string command, string option)
    {
        var data = EmptyDataDirectory();

        var (code, output) = await HotelAsync(data, command, option);

        Assert.Equal(2, code);
        Assert.Contains($"./hotel {command}: ", output);
        Assert.Contains($"./hotel {command} --help", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
    }

    [Fact]
    public async Task Bench_refuses_two_ways_of_offering_load_at_once()
    {
        var (code, output) = await HotelAsync(EmptyDataDirectory(), "bench", "--rate", "5", "--bookings", "10");

        Assert.Equal(2, code);
        Assert.Contains("do not go together", output);
    }

    [Theory]
    [InlineData("-y")]
    [InlineData("everything")]
    [InlineData("--force")]
    public async Task Reset_with_any_argument_refuses_and_deletes_nothing(string argument)
    {
        var data = EmptyDataDirectory();
        var marker = Path.Combine(data, "kept");
        File.WriteAllText(marker, "");

        var (code, output) = await HotelAsync(data, "reset", argument);

        Assert.Equal(2, code);
        Assert.Contains("takes no arguments", output);
        Assert.True(File.Exists(marker), "reset deleted the data directory although it was given an argument");
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Reset_help_explains_and_leaves_the_data_directory_untouched()
    {
        var data = EmptyDataDirectory();
        var marker = Path.Combine(data, "kept");
        File.WriteAllText(marker, "");

        var (code, output) = await HotelAsync(data, "reset", "--help");

        Assert.True(code == 0, output);
        Assert.Contains("Delete the local data", output);
        Assert.True(File.Exists(marker), "reset --help deleted the data directory");
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Reset_without_arguments_deletes_the_data_directory()
    {
        var data = EmptyDataDirectory();
        File.WriteAllText(Path.Combine(data, "gone"), "");

        var (code, output) = await HotelAsync(data, "reset");

        Assert.True(code == 0, output);
        Assert.False(Directory.Exists(data));
        Assert.Contains("deleted " + data, output);
    }

    [Fact]
    public async Task Hash_password_through_the_script_prints_an_agent_entry_for_a_password_on_stdin()
    {
        const string password = "a-long-enough-secret";
        await using var hotel = ChildProcess.StartHotel(["hash-password", "--email", "ana@hotel.local", "--role", "supervisor"],
            new Dictionary<string, string> { ["HOTEL_DATA"] = EmptyDataDirectory() }, input: password + "\n");
        var code = await hotel.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == 0, hotel.Output);
        Assert.Contains("\"Role\": \"supervisor\"", hotel.Output);
        Assert.Contains("\"PasswordHash\":", hotel.Output);
        Assert.DoesNotContain(password, hotel.Output);
    }

    [Theory]
    [InlineData("dlq", "list")]
    [InlineData("rebuild-view")]
    public async Task A_command_for_a_running_suite_says_clearly_when_none_runs(params string[] args)
    {
        var (code, output) = await HotelAsync(EmptyDataDirectory(), args);

        Assert.Equal(2, code);
        Assert.Contains("no ./hotel run is running", output);
    }

    [Fact]
    public async Task Relay_without_a_broker_says_which_option_is_missing()
    {
        var env = new Dictionary<string, string> { ["HOTEL_DATA"] = EmptyDataDirectory(), ["HOTEL_KAFKA_BOOTSTRAP_SERVERS"] = "" };
        await using var hotel = ChildProcess.StartHotel(["relay", "--database", "Host=127.0.0.1;Database=booking"], env);
        var code = await hotel.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, code);
        Assert.Contains("give --bootstrap-servers", hotel.Output);
    }

    [Fact]
    public async Task Ctrl_C_ends_a_command_blocked_on_a_database_that_does_not_answer_at_once()
    {
        // A "server" that accepts the connection and never answers: slots waits in Npgsql's start-up for up to a minute.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        await using var hotel = ChildProcess.StartHotel(["slots", "list", "--postgres", $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=60"],
            new Dictionary<string, string> { ["HOTEL_DATA"] = EmptyDataDirectory() });
        using var held = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60)); // it is waiting now

        hotel.Interrupt();
        var code = await hotel.ExitCodeAsync(TimeSpan.FromSeconds(15)); // not the minute of the connection timeout

        Assert.Equal(130, code);
        Assert.Contains("SIGINT received", hotel.Output);
    }

    private static string EmptyDataDirectory() => Directory.CreateTempSubdirectory("hotel-script-").FullName;

    private static async Task<(int Code, string Output)> HotelAsync(string dataDirectory, params string[] args)
    {
        await using var hotel = ChildProcess.StartHotel(args, new Dictionary<string, string> { ["HOTEL_DATA"] = dataDirectory });
        var code = await hotel.ExitCodeAsync(TimeSpan.FromSeconds(60));
        return (code, hotel.Output);
    }

    [GeneratedRegex(@"(?m)^\./hotel ([a-z][a-z-]*)")]
    private static partial Regex ReadmeCommandLine();
}
