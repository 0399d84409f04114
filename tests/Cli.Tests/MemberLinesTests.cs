using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Tests;

public class MemberLinesTests
{
    private static readonly MemberInfo Lighthouse =
        new("akka.tcp://actornet@127.0.0.1:4053", "Up", ["lighthouse"], null, true, "0.1.0", true, false);

    private static readonly MemberInfo France =
        new("akka.tcp://actornet@127.0.0.1:4061", "Up", ["ncb", "bureau-FR"], "FR", false, "0.1.0", false, true);

    [Fact]
    public void Cluster_show_prints_pbm_lines_then_the_count()
    {
        Assert.Equal(
        [
            "akka.tcp://actornet@127.0.0.1:4053 | [lighthouse] | Up | Reachable | 0.1.0",
            "akka.tcp://actornet@127.0.0.1:4061 | [ncb, bureau-FR] | Up | Unreachable | 0.1.0",
            "Count: 2 nodes",
        ], MemberLines.Show([Lighthouse, France]));
    }

    [Fact]
    public void An_empty_cluster_still_says_its_count()
    {
        Assert.Equal(["Count: 0 nodes"], MemberLines.Show([]));
    }

    [Fact]
    public void A_member_event_reads_as_one_line()
    {
        var e = new ClusterEventInfo("MemberUp", France.Address, "Up", France.Roles, new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.FromHours(1)));

        Assert.Equal("2026-03-01 08:30:00Z | MemberUp | akka.tcp://actornet@127.0.0.1:4061 | [ncb, bureau-FR] | Up", MemberLines.Event(e));
    }

    [Fact]
    public void Tables_align_columns_and_leave_no_trailing_blanks()
    {
        var lines = Table.Render(["CODE", "ONLINE", "NOTE"], [["FR", "online", ""], ["GS", "offline", "x"]]).ToList();

        Assert.Equal(["CODE  ONLINE   NOTE", "FR    online", "GS    offline  x"], lines);
    }
}
