using Hotel.Cli.Bench;
using Xunit;

namespace Hotel.Eventing.Tests;

/// <summary>The bench's pure decisions (no timing): the find-max search, percentiles, /proc parsing, the backlog trend.</summary>
public sealed class BenchLogicTests
{
    /// <summary>Offers rates to a pretend suite that sustains up to <paramref name="limit"/>; returns the rates offered and the result.</summary>
    private static (List<double> Offered, double? Found) Search(double limit, double maxRate = 3000)
    {
        var search = new FindMaxSearch(maxRate);
        var offered = new List<double>();
        while (search.Next() is { } rate)
        {
            offered.Add(rate);
            search.Record(rate, rate <= limit);
            Assert.True(offered.Count < 50, "the search never ends");
        }
        return (offered, search.LastGood);
    }

    [Fact]
    public void Find_max_climbs_the_ladder_then_bisects_to_within_a_tenth()
    {
        var (offered, found) = Search(limit: 340);
        Assert.Equal([25, 50, 100, 200, 300, 400, 350, 325], offered);
        Assert.Equal(325, found);
    }

    [Fact]
    public void Find_max_bisects_below_the_first_rung_when_even_it_is_too_much()
    {
        var (offered, found) = Search(limit: 7);
        Assert.Equal([25, 12, 6, 9, 7], offered);
        Assert.Equal(7, found);
    }

    [Fact]
    public void Find_max_stops_at_the_cap_when_everything_is_sustained()
    {
        var (offered, found) = Search(limit: double.MaxValue, maxRate: 250);
        Assert.Equal([25, 50, 100, 200, 250], offered);
        Assert.Equal(250, found);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];
        Assert.Equal(50, Percentiles.Of(sorted, 50));
        Assert.Equal(99, Percentiles.Of(sorted, 99));
        Assert.Equal(100, Percentiles.Of(sorted, 100));
        Assert.Equal(7, Percentiles.Of([7], 99));
        Assert.True(double.IsNaN(Percentiles.Of([], 50)));
    }

    [Fact]
    public void Proc_stat_is_read_after_a_command_name_with_spaces_and_parentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads itreal starttime …
        var times = ProcessCpu.Parse(42, "42 (odd) name (x)) S 7 42 42 0 -1 4194560 100 0 0 0 250 50 10 5 20 0 12 0 98765 1000 50");
        Assert.NotNull(times);
        Assert.Equal(7, times.ParentPid);
        Assert.Equal(98765, times.StartTicks);
        Assert.Equal(3.15, times.CpuSeconds, 6); // (250 + 50 + 10 + 5) ticks at 100 a second
    }

    [Fact]
    public void A_backlog_grows_when_effects_fall_further_behind_and_not_when_they_keep_up()
    {
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = start.AddSeconds(20);
        // 20 events/s committed; one consumer applies each 50 ms later, the other manages 10/s.
        var keepsUp = Enumerable.Range(0, 400).Select(i => new EffectSample(start.AddSeconds(i / 20.0), start.AddSeconds(i / 20.0 + 0.05), "E")).ToList();
        var fallsBehind = Enumerable.Range(0, 400).Select(i => new EffectSample(start.AddSeconds(i / 20.0), start.AddSeconds(i / 10.0 + 0.05), "E")).ToList();

        Assert.False(EffectFigures.Backlog(keepsUp, start, end).Growing);
        var (atEnd, growth, growing) = EffectFigures.Backlog(fallsBehind, start, end);
        Assert.True(growing);
        Assert.InRange(growth, 9, 11);
        Assert.InRange(atEnd, 190, 210);
    }
}
