using Hotel.LocalInfra;

namespace Hotel.Eventing.Tests;

/// <summary>Ports for the processes of one run (services, inbox, PostgreSQL) are picked before any of them binds.</summary>
public sealed class FreePortTests
{
    [Fact]
    public void A_thousand_free_ports_asked_for_in_a_row_are_all_different()
    {
        // The kernel offers a released port again: 1,000 binds to port 0 in a row gave ~40 repeats here.
        var ports = Enumerable.Range(0, 1000).Select(_ => EmbeddedPostgres.FreeTcpPort()).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
