using System.Text.Json;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Tests;

public class NodeRequestTests : IAsyncLifetime
{
    private const string Members = """
        [{"address":"akka.tcp://actornet@127.0.0.1:4053","status":"Up","roles":["lighthouse"],"bureau":null,"reachable":true,"appVersion":"0.1.0","isLeader":true,"isSelf":false},
         {"address":"akka.tcp://actornet@127.0.0.1:4061","status":"Up","roles":["ncb","bureau-FR"],"bureau":"FR","reachable":true,"appVersion":"0.1.0","isLeader":false,"isSelf":true},
         {"address":"akka.tcp://actornet@127.0.0.1:4062","status":"Up","roles":["ncb","bureau-DE"],"bureau":"DE","reachable":false,"appVersion":"0.1.0","isLeader":false,"isSelf":false}]
        """;

    private readonly FakeNode node = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await node.DisposeAsync();

    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync(["--node", node.Url, "--token", "t0ken", .. args]);

    [Fact]
    public async Task Cluster_show_prints_every_member_as_pbm_does_and_sends_the_token()
    {
        node.Reply("GET", "/api/cluster/members", 200, Members);

        var run = await Run("cluster", "show");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(
        [
            "akka.tcp://actornet@127.0.0.1:4053 | [lighthouse] | Up | Reachable | 0.1.0",
            "akka.tcp://actornet@127.0.0.1:4061 | [ncb, bureau-FR] | Up | Reachable | 0.1.0",
            "akka.tcp://actornet@127.0.0.1:4062 | [ncb, bureau-DE] | Up | Unreachable | 0.1.0",
            "Count: 3 nodes",
        ], run.StdoutLines);
        var request = Assert.Single(node.Requests);
        Assert.Equal("Bearer t0ken", request.Authorization);
    }

    [Fact]
    public async Task Token_comes_from_the_environment_when_no_flag_gives_it()
    {
        node.Reply("GET", "/api/cluster/members", 200, "[]");

        var run = await CliRun.RunAsync(["cluster", "show"], env: new Dictionary<string, string> { ["ACTORNET_NODE"] = node.Url, ["ACTORNET_TOKEN"] = "env-token" });

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(["Count: 0 nodes"], run.StdoutLines);
        Assert.Equal("Bearer env-token", Assert.Single(node.Requests).Authorization);
    }

    [Fact]
    public async Task Json_prints_the_members_as_json()
    {
        node.Reply("GET", "/api/cluster/members", 200, Members);

        var run = await Run("--json", "cluster", "show");

        Assert.Equal(CliApp.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(3, json.RootElement.GetArrayLength());
        Assert.Equal("FR", json.RootElement[1].GetProperty("bureau").GetString());
        Assert.False(json.RootElement[2].GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task Cluster_status_and_leader_print_one_member_line()
    {
        node.Reply("GET", "/api/cluster/self", 200, JsonDocument.Parse(Members).RootElement[1].GetRawText());
        node.Reply("GET", "/api/cluster/leader", 200, JsonDocument.Parse(Members).RootElement[0].GetRawText());

        var status = await Run("cluster", "status");
        var leader = await Run("cluster", "leader");

        Assert.Equal(["akka.tcp://actornet@127.0.0.1:4061 | [ncb, bureau-FR] | Up | Reachable | 0.1.0"], status.StdoutLines);
        Assert.Equal(["akka.tcp://actornet@127.0.0.1:4053 | [lighthouse] | Up | Reachable | 0.1.0"], leader.StdoutLines);
    }

    [Theory]
    [InlineData(401, "The token is missing or unknown: pass --token")]
    [InlineData(403, "This call needs the admin role")]
    [InlineData(404, "akka.tcp://actornet@127.0.0.1:4999 is not a member of this cluster: list members with actornet cluster show")]
    [InlineData(400, "'nowhere' is not a cluster address: write akka.tcp://actornet@HOST:PORT")]
    public async Task A_refused_command_exits_1_with_the_problem_title_on_stderr(int status, string title)
    {
        node.Problem("POST", "/api/cluster/leave", status, title);

        var run = await Run("cluster", "leave", "akka.tcp://actornet@127.0.0.1:4999");

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.Equal(title + "\n", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task A_refusal_without_problem_details_still_says_what_happened()
    {
        node.Reply("GET", "/api/bureaus", 502, "<html>bad gateway</html>");

        var run = await Run("bureau", "list");

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.StartsWith("The node refused the request: 502", run.Stderr);
    }

    [Fact]
    public async Task A_missing_leader_is_a_refusal_with_the_nodes_reason()
    {
        node.Problem("GET", "/api/cluster/leader", 404, "The cluster has no leader right now: members are still joining or unreachable");

        var run = await Run("cluster", "leader");

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.Contains("no leader right now", run.Stderr);
    }

    [Theory]
    [InlineData("join", "Asked this node to join")]
    [InlineData("leave", "Asked to leave:")]
    [InlineData("down", "Marked down:")]
    public async Task Join_leave_and_down_post_the_address_and_echo_the_nodes_answer(string action, string said)
    {
        node.Reply("POST", $"/api/cluster/{action}", 202, """{"status":"accepted","address":"akka.tcp://actornet@127.0.0.1:4062"}""");

        var run = await Run("cluster", action, "127.0.0.1:4062");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal([$"{said} akka.tcp://actornet@127.0.0.1:4062"], run.StdoutLines);
        var request = Assert.Single(node.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("127.0.0.1:4062", JsonDocument.Parse(request.Body).RootElement.GetProperty("address").GetString());
    }

    [Fact]
    public async Task Down_unreachable_lists_what_it_downed()
    {
        node.Reply("POST", "/api/cluster/down-unreachable", 202, """["akka.tcp://actornet@127.0.0.1:4062"]""");

        var run = await Run("cluster", "down-unreachable");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(["Marked down: akka.tcp://actornet@127.0.0.1:4062", "Count: 1 nodes"], run.StdoutLines);
    }

    [Fact]
    public async Task Bureau_list_prints_an_aligned_table()
    {
        node.Reply("GET", "/api/bureaus", 200, """
            [{"code":"FR","online":true,"fingerprint":"ab12","enrolledAt":"2026-01-02T03:04:05Z","lastSeen":"2026-03-01T10:00:00Z","status":"approved","keyVersion":2},
             {"code":"GS","online":false,"fingerprint":null,"enrolledAt":"2026-01-01T00:00:00Z","lastSeen":"2026-02-28T23:59:59+00:00","status":"pending","keyVersion":null}]
            """);

        var run = await Run("bureau", "list");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(
        [
            "CODE  STATUS    ONLINE   ENROLLED              LAST SEEN             KEYS  FINGERPRINT",
            "FR    approved  online   2026-01-02 03:04:05Z  2026-03-01 10:00:00Z  v2    ab12",
            "GS    pending   offline  2026-01-01 00:00:00Z  2026-02-28 23:59:59Z  -     -",
        ], run.StdoutLines);
    }

    [Fact]
    public async Task Bureau_approve_posts_to_the_code_and_says_whether_anything_changed()
    {
        node.Reply("POST", "/api/bureaus/FR/approve", 200, """{"code":"FR","status":"approved","approvedAt":"2026-03-01T10:00:00Z","alreadyApproved":false,"fingerprint":"ab12"}""");
        node.Reply("POST", "/api/bureaus/US/approve", 200, """{"code":"US","status":"approved","approvedAt":"2026-02-01T09:00:00Z","alreadyApproved":true,"fingerprint":"cd34"}""");
        node.Problem("POST", "/api/bureaus/DE/approve", 404, "No bureau DE is in the directory");

        var first = await Run("bureau", "approve", "FR");
        var again = await Run("bureau", "approve", "US");
        var unknown = await Run("bureau", "approve", "DE");

        Assert.Equal(CliApp.Success, first.ExitCode);
        Assert.Equal(["FR approved: its keys are signed into the directory", "Fingerprint: ab12"], first.StdoutLines);
        Assert.Equal(CliApp.Success, again.ExitCode);
        Assert.Contains("US was already approved on 2026-02-01 09:00:00Z", again.Stdout);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No bureau DE", unknown.Stderr);
    }

    [Fact]
    public async Task Bureau_rotate_keys_prints_the_new_and_old_fingerprints()
    {
        node.Reply("POST", "/api/bureau/rotate-keys", 200,
            """{"code":"FR","keyVersion":2,"fingerprint":"new1","previousKeyVersion":1,"previousFingerprint":"old1","listed":true}""");

        var run = await Run("bureau", "rotate-keys");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(["FR keys rotated from version 1 to 2: the directory lists them", "Fingerprint: new1 (was old1)"], run.StdoutLines);
        Assert.Equal("POST", Assert.Single(node.Requests).Method);
    }

    [Fact]
    public async Task Bureau_rotate_keys_waits_past_the_nodes_own_wait_for_GS_and_says_GS_has_not_listed_them_yet()
    {
        // The node waits for GS before it answers 202: the CLI's usual bound alone would cut that answer off.
        node.ReplyAfter(KeyRotationInfo.ListingWait + TimeSpan.FromSeconds(1), "POST", "/api/bureau/rotate-keys", 202,
            """{"code":"FR","keyVersion":2,"fingerprint":"new1","previousKeyVersion":1,"previousFingerprint":"old1","listed":false}""");

        var run = await Run("bureau", "rotate-keys");

        Assert.True(run.ExitCode == CliApp.Success, run.Stderr);
        Assert.Equal("FR keys rotated from version 1 to 2: GS has not listed them yet; the node keeps enrolling them", run.StdoutLines[0]);
    }

    [Fact]
    public async Task Token_create_posts_the_role_and_prints_the_new_token()
    {
        node.Reply("POST", "/api/tokens", 201, """{"id":"tk1","role":"officer","token":"secret-value","createdAt":"2026-03-01T10:00:00Z"}""");

        var run = await Run("token", "create", "--role", "officer");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Contains("Token:   secret-value", run.StdoutLines);
        Assert.Contains("Role:    officer", run.StdoutLines);
        Assert.Equal("officer", JsonDocument.Parse(Assert.Single(node.Requests).Body).RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Token_create_with_json_prints_the_created_token_as_json()
    {
        node.Reply("POST", "/api/tokens", 201, """{"id":"tk1","role":"admin","token":"secret-value","createdAt":"2026-03-01T10:00:00Z"}""");

        var run = await Run("token", "create", "--role=admin", "--json");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal("secret-value", JsonDocument.Parse(run.Stdout).RootElement.GetProperty("token").GetString());
    }

    [Fact]
    public async Task Bureau_settings_puts_the_changes()
    {
        node.Reply("PUT", "/api/bureau/settings", 200,
            """{"code":"FR","establishedAt":"2026-01-01T00:00:00Z","displayName":"Police Nationale","contactEmail":null,"nodeStarts":3,"lastNodeStartAt":null}""");

        var run = await Run("bureau", "settings", "--display-name", "Police Nationale");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Contains("Display name:    Police Nationale", run.StdoutLines);
        var body = JsonDocument.Parse(Assert.Single(node.Requests).Body).RootElement;
        Assert.Equal("Police Nationale", body.GetProperty("displayName").GetString());
    }
}
