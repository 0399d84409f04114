using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

public sealed class ClusterTests(ITestOutputHelper output) : Scenario(output)
{
    // SBR needs ~5 s to see a node unreachable, 5 s stable-after, then removal: bounded well above that.
    private static readonly TimeSpan Removal = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killed_bureau_is_removed_by_SBR_and_rejoins_with_all_its_state()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (gs, fr, us) = (nodes[0], nodes[1], nodes[2]);

        // The contract's member shape: roles and bureau per member, the Lighthouse without a bureau.
        await Eventually.TrueAsync(async () => (await fr.MembersAsync()).Count(m => m.Status == "Up") == 4, Ready, "4 members Up");
        var members = await fr.MembersAsync();
        Assert.Contains(members, m => m.Roles.SequenceEqual(["lighthouse"]) && m.Bureau is null);
        Assert.Contains(members, m => m.Roles.SequenceEqual(["secretariat", "bureau-GS"]) && m.Bureau == "GS");
        Assert.Contains(members, m => m.Roles.SequenceEqual(["ncb", "bureau-US"]) && m.Bureau == "US");

        // Every node's copy of the directory lists every bureau.
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Count(b => b.Online) == 3, Ready, "FR sees GS, FR, US online");

        var settings = await us.Http.PutAsJsonAsync("/api/bureau/settings", new BureauSettingsRequest("NCB Washington", "ncb@example.gov"));
        settings.EnsureSuccessStatusCode();
        var usAddress = await us.SelfAddressAsync();

        us.Kill();
        await Eventually.TrueAsync(async () => (await fr.MembersAsync()).All(m => m.Address != usAddress), Removal, "SBR to remove the killed US node",
            () => fr.Output);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Single(b => b.Code == "US") is { Online: false }, Ready, "US listed offline");

        var back = Track(NodeProcess.StartNode("US", [seed], Temp.Sub("US")));
        await back.WaitReadyAsync(Ready);
        var profile = await back.Http.GetFromJsonAsync<BureauProfileInfo>("/api/bureau");
        Assert.Equal("NCB Washington", profile!.DisplayName);
        Assert.Equal("ncb@example.gov", profile.ContactEmail);
        Assert.Equal(2, profile.NodeStarts);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Single(b => b.Code == "US").Online, Ready, "US back online at FR");
        await Eventually.TrueAsync(async () => (await back.BureausAsync()).Any(b => b.Code == "FR"), Ready, "US's copy to list FR");
    }

    [Fact]
    public async Task New_node_joins_while_one_of_two_seeds_is_down()
    {
        int seedA = NodeProcess.FreePort(), seedB = NodeProcess.FreePort();
        var lighthouseA = Track(NodeProcess.StartLighthouse(seedA, seedA, seedB));
        Track(NodeProcess.StartLighthouse(seedB, seedA, seedB));
        var gs = Track(NodeProcess.StartNode("GS", [seedA, seedB], Temp.Sub("GS")));
        await gs.WaitReadyAsync(Ready);
        await Eventually.TrueAsync(async () => (await gs.MembersAsync()).Count(m => m.Status == "Up") == 3, Ready, "both seeds and GS Up");

        lighthouseA.Kill();
        var fr = Track(NodeProcess.StartNode("FR", [seedA, seedB], Temp.Sub("FR")));
        await fr.WaitReadyAsync(Removal);

        Assert.Contains(await fr.MembersAsync(), m => m.Bureau == "FR" && m.Status == "Up");
        // FR can be ready before the failure detector has marked the killed seed: wait for it rather than race it.
        await Eventually.TrueAsync(async () => !(await fr.MembersAsync()).Any(m => m.Address.EndsWith($":{seedA}") && m.Status == "Up" && m.Reachable),
            Removal, "the killed seed marked unreachable or removed", () => fr.Output);
    }

    [Fact]
    public async Task Second_GS_node_on_the_same_PostgreSQL_takes_over_the_directory_with_nothing_lost()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var seed = NodeProcess.FreePort();
        Track(NodeProcess.StartLighthouse(seed, seed));
        var gs1 = Track(NodeProcess.StartNode("GS", [seed], Temp.Sub("GS1"), database.NodeArgument));
        await gs1.WaitReadyAsync(Ready);
        var gs2 = Track(NodeProcess.StartNode("GS", [seed], Temp.Sub("GS2"), database.NodeArgument));
        var fr = Track(NodeProcess.StartNode("FR", [seed], Temp.Sub("FR")));
        var us = Track(NodeProcess.StartNode("US", [seed], Temp.Sub("US")));
        foreach (var node in new[] { gs2, fr, us })
            await node.WaitReadyAsync(Ready);

        await Eventually.TrueAsync(async () => (await gs2.BureausAsync("/api/directory")).Count == 3, Ready, "directory lists GS, FR, US");
        var before = await gs2.BureausAsync("/api/directory");

        // The oldest GS node hosts the directory singleton: kill it.
        gs1.Kill();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<BureauInfo> after = [];
        await Eventually.TrueAsync(async () =>
        {
            var response = await gs2.Http.GetAsync("/api/directory");
            if (!response.IsSuccessStatusCode) return false;
            after = (await response.Content.ReadFromJsonAsync<List<BureauInfo>>())!;
            return true;
        }, Removal, "the surviving GS node to serve the directory", () => gs2.Output); // the singleton moves only once gs1 is removed
        Output.WriteLine($"directory served by the second GS node {clock.Elapsed.TotalSeconds:0.0} s after the kill");

        foreach (var entry in before)
            Assert.Contains(after, e => e.Code == entry.Code && e.EnrolledAt == entry.EnrolledAt);
        Assert.NotNull(await gs2.Http.GetFromJsonAsync<BureauProfileInfo>("/api/bureau"));
    }

    [Fact]
    public async Task Bureau_knows_its_peers_while_GS_is_unreachable_even_after_a_restart()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "DE", "US");
        var (gs, fr, de, us) = (nodes[0], nodes[1], nodes[2], nodes[3]);
        // FR's copy comes from GS: wait until GS has listed everyone in it.
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Count == 4, Ready, "FR's copy lists GS, FR, DE, US");

        gs.Kill();
        fr.Kill();
        await Eventually.TrueAsync(async () => (await us.MembersAsync()).All(m => m.Bureau is not ("GS" or "FR")), Removal, "GS and FR removed");

        // FR comes back on its data while GS is still gone: its persisted copy still names every bureau.
        var back = Track(NodeProcess.StartNode("FR", [seed], Temp.Sub("FR")));
        await back.WaitReadyAsync(Ready);
        var bureaus = await back.BureausAsync();
        Assert.Equal(["DE", "FR", "GS", "US"], bureaus.Select(b => b.Code).Order());
        Assert.False(bureaus.Single(b => b.Code == "GS").Online);
        await Eventually.TrueAsync(async () => (await back.BureausAsync()).Single(b => b.Code == "DE").Online, Ready, "DE online as FR sees it");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await back.Http.GetAsync("/api/directory")).StatusCode);
    }
}
