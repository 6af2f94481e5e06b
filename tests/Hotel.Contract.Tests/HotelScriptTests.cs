using Hotel.Testing;

namespace Hotel.Contract.Tests;

/// <summary>The <c>./hotel</c> script itself, for what it answers without installing or building anything.</summary>
public sealed class HotelScriptTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-y")]
    [InlineData("everything")]
    public async Task Reset_with_any_argument_refuses_and_deletes_nothing(string argument)
    {
        var data = Directory.CreateTempSubdirectory("hotel-reset-").FullName;
        var marker = Path.Combine(data, "kept");
        File.WriteAllText(marker, "");

        var (code, output) = await HotelAsync(data, "reset", argument);

        Assert.Equal(2, code);
        Assert.Contains("takes no arguments", output);
        Assert.True(File.Exists(marker), "reset deleted the data directory although it was given an argument");
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Reset_without_arguments_deletes_the_data_directory()
    {
        var data = Directory.CreateTempSubdirectory("hotel-reset-").FullName;
        File.WriteAllText(Path.Combine(data, "gone"), "");

        var (code, output) = await HotelAsync(data, "reset");

        Assert.True(code == 0, output);
        Assert.False(Directory.Exists(data));
        Assert.Contains("deleted " + data, output);
    }

    private static async Task<(int Code, string Output)> HotelAsync(string dataDirectory, params string[] args)
    {
        await using var hotel = ChildProcess.Start("bash", [Repository.PathOf("hotel"), .. args], new Dictionary<string, string> { ["HOTEL_DATA"] = dataDirectory });
        var code = await hotel.ExitCodeAsync(TimeSpan.FromSeconds(30));
        return (code, hotel.Output);
    }
}
