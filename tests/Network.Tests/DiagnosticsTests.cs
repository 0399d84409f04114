using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>pbm's <c>actor hierarchy</c> and <c>sharding region-stats</c>, through the CLI against real nodes.</summary>
public sealed class DiagnosticsTests(ITestOutputHelper output) : Scenario(output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static Task<(int ExitCode, string Stdout, string Stderr)> Cli(NodeProcess node, params string[] args) =>
        NodeProcess.RunToExitAsync(Binaries.Cli, ["--node", node.Http.BaseAddress!.ToString(), "--token", NodeProcess.AdminToken, .. args], Bound);

    [Fact]
    public async Task Actor_hierarchy_and_notice_region_stats_show_what_runs_and_bad_asks_are_refused()
    {
        var (_, nodes) = await StartClusterAsync("GS", "FR");
        var (gs, fr) = (nodes[0], nodes[1]);

        var (code, tree, stderr) = await Cli(fr, "actor", "hierarchy", "-d", "2");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("/user", tree.TrimStart());
        Assert.Contains("  /user/", tree);
        Assert.Matches(@"Count: \d+ actors", tree);
        var (deep, deepTree, _) = await Cli(fr, "actor", "hierarchy", "-s", "/system", "-d", "1");
        Assert.Equal(0, deep);
        Assert.Contains("/system ...", deepTree);
        Assert.Equal(2, (await Cli(fr, "actor", "hierarchy", "-d", "zero")).ExitCode);
        var (missing, _, missingErr) = await Cli(fr, "actor", "hierarchy", "-s", "/user/no-such-actor");
        Assert.Equal(1, missing);
        Assert.Contains("No actor at /user/no-such-actor", missingErr);

        // A bureau node runs no shard region: it says so and where to look.
        var (none, _, noneErr) = await Cli(fr, "sharding", "region-stats", "-r", "notice");
        Assert.Equal(1, none);
        Assert.Contains("ask a GS node", noneErr);
        Assert.Equal(2, (await Cli(gs, "sharding", "region-stats")).ExitCode);

        // A notice request makes an entity in GS's notice region.
        await Eventually.TrueAsync(async () => (await gs.BureausAsync()).Any(b => b.Code == "FR" && b.Fingerprint is not null), Ready, "GS to know FR's keys");
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "GS" && b.Fingerprint is not null), Ready, "FR to know GS's keys");
        var requested = await fr.Http.PostAsJsonAsync("/api/notices", new NoticeRequest("yellow",
            new NoticeSubjectBody("Durand", "Léa", null, null, "2011-03", "F", ["FR"], "Lyon", "brown hair"),
            Details: "last seen near the station on 2026-11-20"));
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var id = (await requested.Content.ReadFromJsonAsync<NoticeAccepted>())!.Id;
        await Eventually.TrueAsync(async () => (await gs.Http.GetAsync($"/api/notices/{id}")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "GS to hold the request");

        var (regions, regionList, _) = await Cli(gs, "sharding", "regions");
        Assert.Equal(0, regions);
        Assert.Contains("notice", regionList);
        var (statsCode, stats, statsErr) = await Cli(gs, "sharding", "region-stats", "-r", "notice");
        Assert.True(statsCode == 0, statsErr);
        Assert.Matches(@"Count: [1-9]\d* entities in [1-9]\d* shards on 1 nodes", stats);
        var json = await gs.Http.GetFromJsonAsync<ShardRegionStatsInfo>("/api/sharding/notice/stats");
        Assert.True(json!.Nodes.Single().Shards.Values.Sum() >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await gs.Http.GetAsync("/api/sharding/nope/stats")).StatusCode);
    }
}
