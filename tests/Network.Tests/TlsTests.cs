using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>Akka.Remote over TLS between real processes, every certificate from the network CA made by ActorNet's Pki code.</summary>
public sealed class TlsTests(ITestOutputHelper output) : Scenario(output)
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Lighthouse_GS_and_FR_form_a_cluster_over_TLS()
    {
        var pki = Pki("ca");
        var seed = NodeProcess.FreePort();
        var lighthouse = Track(NodeProcess.StartTlsLighthouse(pki, seed, seed));
        var gs = Track(NodeProcess.StartTlsNode(pki, "GS", [seed], Temp.Sub("GS")));
        var fr = Track(NodeProcess.StartTlsNode(pki, "FR", [seed], Temp.Sub("FR")));
        await gs.WaitReadyAsync(Ready);
        await fr.WaitReadyAsync(Ready);

        // Reachable too: a member can be flagged unreachable for a moment while the others start under load.
        IReadOnlyList<MemberInfo> members = [];
        await Eventually.TrueAsync(async () => (members = await fr.MembersAsync()).Count(m => m.Status == "Up" && m.Reachable) == 3, Ready,
            "3 members Up and reachable", () => fr.Output);
        Assert.All(members, m => Assert.StartsWith($"akka.ssl.tcp://actornet@127.0.0.1:", m.Address));
        Assert.Contains(members, m => m.Address == $"akka.ssl.tcp://actornet@127.0.0.1:{seed}" && m.Roles.SequenceEqual(["lighthouse"]));
        Assert.DoesNotContain("Running with --insecure", fr.Output + gs.Output + lighthouse.Output);

        // host:port takes the cluster's own scheme, so it names a member rather than an address nobody can reach.
        var leave = await fr.Http.PostAsJsonAsync("/api/cluster/leave", new AddressRequest("127.0.0.1:1"));
        Assert.Equal(HttpStatusCode.NotFound, leave.StatusCode);
        Assert.Contains("akka.ssl.tcp://actornet@127.0.0.1:1 is not a member", await leave.Content.ReadAsStringAsync());
        var plain = await fr.Http.PostAsJsonAsync("/api/cluster/join", new AddressRequest($"akka.tcp://actornet@127.0.0.1:{seed}"));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("this cluster runs akka.ssl.tcp", await plain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_node_with_a_certificate_from_another_CA_cannot_join_and_the_cluster_stays_healthy()
    {
        var network = Pki("ca");
        var rogue = Pki("rogue-ca");
        var seed = NodeProcess.FreePort();
        var lighthouse = Track(NodeProcess.StartTlsLighthouse(network, seed, seed));
        var fr = Track(NodeProcess.StartTlsNode(network, "FR", [seed], Temp.Sub("FR")));
        await fr.WaitReadyAsync(Ready);
        await Eventually.TrueAsync(async () => (await fr.MembersAsync()).Count(m => m.Status == "Up") == 2, Ready, "Lighthouse and FR Up");

        // Its own certificate and CA agree, so it starts; the network's CA did not issue it, so nobody lets it in.
        var stranger = Track(NodeProcess.StartTlsNode(rogue, "US", [seed], Temp.Sub("US")));
        await Eventually.TrueAsync(() => Task.FromResult(lighthouse.Output.Contains("TLS: refused")), Ready,
            "the Lighthouse to refuse the stranger's certificate", () => lighthouse.Output + "\n--- US ---\n" + stranger.Output);
        Assert.Contains("was not issued by the network CA", lighthouse.Output);

        using var probe = new HttpClient { BaseAddress = stranger.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.NeverAsync(async () =>
                (await probe.GetAsync("/health/ready")).IsSuccessStatusCode
                || (await fr.MembersAsync()).Any(m => m.Bureau == "US"),
            TimeSpan.FromSeconds(10), "the stranger becoming a member", () => stranger.Output);

        // Akka.Remote also shuts the stranger down when its own outbound handshake fails (exit code 79): it may be gone by now.
        Assert.DoesNotContain(lighthouse.Output.Split('\n'), line => line.Contains("CoordinatedShutdown"));
        await Eventually.TrueAsync(async () => await fr.MembersAsync() is { Count: 2 } members && members.All(m => m.Status == "Up" && m.Reachable), Ready,
            "the Lighthouse and FR alone, Up and reachable", () => fr.Output);
        Assert.Equal(HttpStatusCode.OK, (await fr.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_node_cannot_run_as_a_bureau_its_certificate_does_not_name()
    {
        var pki = Pki("ca");
        var data = Temp.Sub("US");

        var (code, _, stderr) = await NodeProcess.RunToExitAsync(Binaries.Node,
            ["--bureau", "US", "--http", $"127.0.0.1:{NodeProcess.FreePort()}", "--data", data,
             "--tls-cert", pki.CertificateFor("FR"), "--tls-password", TestPki.Password, "--ca", pki.CaFile], ExitBound);

        Assert.NotEqual(0, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("is issued to FR, but this node runs as --bureau US", stderr);
        Assert.False(Directory.Exists(data), "a refused node should touch nothing");

        var (lighthouseCode, _, lighthouseErr) = await NodeProcess.RunToExitAsync(Binaries.Lighthouse,
            ["--listen", $"127.0.0.1:{NodeProcess.FreePort()}", "--tls-cert", pki.CertificateFor("FR"), "--tls-password", TestPki.Password, "--ca", pki.CaFile], ExitBound);
        Assert.NotEqual(0, lighthouseCode);
        Assert.Single(lighthouseErr.Trim().Split('\n'));
        Assert.Contains("not to the Lighthouse", lighthouseErr);
    }

    [Fact]
    public async Task A_process_with_neither_TLS_nor_insecure_refuses_to_start()
    {
        var (code, _, stderr) = await NodeProcess.RunToExitAsync(Binaries.Node,
            ["--bureau", "FR", "--http", $"127.0.0.1:{NodeProcess.FreePort()}", "--data", Temp.Sub("FR")], ExitBound);
        Assert.NotEqual(0, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("no transport security: give --tls-cert FILE and --ca FILE", stderr);

        var (lighthouseCode, _, lighthouseErr) = await NodeProcess.RunToExitAsync(Binaries.Lighthouse,
            ["--listen", $"127.0.0.1:{NodeProcess.FreePort()}"], ExitBound);
        Assert.NotEqual(0, lighthouseCode);
        Assert.Single(lighthouseErr.Trim().Split('\n'));
        Assert.Contains("no transport security", lighthouseErr);
    }
}
