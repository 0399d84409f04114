using System.Net.Http.Headers;
using Xunit;

namespace ActorNet.Network.Tests;

/// <summary>What an operator does against a live node: the real <c>actornet</c> CLI and the membership event stream.</summary>
public sealed class OperatorTests(SingleNodeCluster cluster) : IClassFixture<SingleNodeCluster>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private Task<(int ExitCode, string Stdout, string Stderr)> Cli(params string[] args) =>
        NodeProcess.RunToExitAsync(Binaries.Cli, ["--node", cluster.Node.Http.BaseAddress!.ToString(), "--token", NodeProcess.AdminToken, .. args], Bound);

    [Fact]
    public async Task Cluster_show_prints_pbm_lines_for_every_member()
    {
        var (code, stdout, stderr) = await Cli("cluster", "show");
        Assert.True(code == 0, stderr);
        Assert.Contains("| [lighthouse] | Up | Reachable |", stdout);
        Assert.Contains("| [ncb, bureau-FR] | Up | Reachable |", stdout);
        Assert.Contains("Count: 2 nodes", stdout);
    }

    [Fact]
    public async Task Bureau_list_and_token_create_work_and_json_is_json()
    {
        var (code, stdout, _) = await Cli("--json", "bureau", "list");
        Assert.Equal(0, code);
        Assert.Contains("\"code\": \"FR\"", stdout.Replace("\"code\":\"", "\"code\": \""));

        var (tokenCode, tokenOut, _) = await Cli("token", "create", "--role", "officer");
        Assert.Equal(0, tokenCode);
        Assert.Contains("officer", tokenOut);
    }

    [Fact]
    public async Task Refused_and_unreachable_and_bad_usage_have_their_exit_codes()
    {
        var (refused, _, refusedErr) = await Cli("cluster", "down", "127.0.0.1:1");
        Assert.Equal(1, refused);
        Assert.Contains("not a member", refusedErr);

        var (usage, _, _) = await Cli("cluster", "frobnicate");
        Assert.Equal(2, usage);

        var (unreachable, _, _) = await NodeProcess.RunToExitAsync(Binaries.Cli,
            ["--node", $"http://127.0.0.1:{NodeProcess.FreePort()}", "--token", "x", "cluster", "show"], Bound);
        Assert.Equal(3, unreachable);
    }

    [Fact]
    public async Task Membership_events_stream_as_server_sent_events()
    {
        using var client = new HttpClient { BaseAddress = cluster.Node.Http.BaseAddress, Timeout = Bound };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", NodeProcess.AdminToken);
        using var cts = new CancellationTokenSource(Bound);
        using var response = await client.GetAsync("/api/cluster/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var seen = new List<string>();
        while (seen.Count(l => l.Contains("MemberUp")) < 2)
            seen.Add(await reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException(string.Join("\n", seen)));
        Assert.Contains(seen, l => l.StartsWith("event: member"));
        Assert.Contains(seen, l => l.Contains("bureau-FR"));
    }
}

/// <summary>Log output as operators' log shippers read it.</summary>
public sealed class LoggingTests(SingleNodeCluster cluster) : IClassFixture<SingleNodeCluster>
{
    [Fact]
    public async Task Json_log_format_writes_one_structured_event_per_line_with_bureau_and_node()
    {
        using var temp = new TempDirectory();
        await using var de = NodeProcess.StartNode("DE", [cluster.Seed], temp.Path, null, "--log-format", "json");
        await de.WaitReadyAsync(TimeSpan.FromSeconds(45));

        var lines = de.Output.Split('\n').Where(l => !l.StartsWith("stderr:") && l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines.Take(20))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            Assert.Equal("DE", doc.RootElement.GetProperty("Bureau").GetString());
            Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("Node").GetString()));
            Assert.True(doc.RootElement.TryGetProperty("@mt", out _));
        }
        // Akka's own log events come through Serilog too.
        Assert.Contains(lines, l => l.Contains("Cluster Node", StringComparison.Ordinal) || l.Contains("Remoting", StringComparison.Ordinal));
        Assert.DoesNotContain(NodeProcess.AdminToken, de.Output);
    }
}

public sealed class AuditTests(SingleNodeCluster cluster) : IClassFixture<SingleNodeCluster>
{
    [Fact]
    public async Task Audit_verify_passes_on_an_untouched_log_and_lists_the_node_start()
    {
        var (code, stdout, stderr) = await NodeProcess.RunToExitAsync(Binaries.Cli,
            ["--node", cluster.Node.Http.BaseAddress!.ToString(), "--token", NodeProcess.AdminToken, "audit", "verify"], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("Audit log intact", stdout);

        var (listCode, list, _) = await NodeProcess.RunToExitAsync(Binaries.Cli,
            ["--node", cluster.Node.Http.BaseAddress!.ToString(), "--token", NodeProcess.AdminToken, "audit", "list"], TimeSpan.FromSeconds(30));
        Assert.Equal(0, listCode);
        Assert.Contains("node-started", list);
    }
}
