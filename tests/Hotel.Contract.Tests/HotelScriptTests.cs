using System.Diagnostics;

namespace Hotel.Contract.Tests;

/// <summary>The <c>./hotel</c> script itself, for what it answers without installing or building anything.</summary>
public sealed class HotelScriptTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-y")]
    [InlineData("everything")]
    public void Reset_with_any_argument_refuses_and_deletes_nothing(string argument)
    {
        var data = Directory.CreateTempSubdirectory("hotel-reset-").FullName;
        var marker = Path.Combine(data, "kept");
        File.WriteAllText(marker, "");

        var (code, output) = Hotel(data, "reset", argument);

        Assert.Equal(2, code);
        Assert.Contains("takes no arguments", output);
        Assert.True(File.Exists(marker), "reset deleted the data directory although it was given an argument");
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public void Reset_without_arguments_deletes_the_data_directory()
    {
        var data = Directory.CreateTempSubdirectory("hotel-reset-").FullName;
        File.WriteAllText(Path.Combine(data, "gone"), "");

        var (code, output) = Hotel(data, "reset");

        Assert.True(code == 0, output);
        Assert.False(Directory.Exists(data));
        Assert.Contains("deleted " + data, output);
    }

    private static (int Code, string Output) Hotel(string dataDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("bash", [Repository.PathOf("hotel"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["HOTEL_DATA"] = dataDirectory },
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"./hotel {string.Join(' ', args)} did not end within 30 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
