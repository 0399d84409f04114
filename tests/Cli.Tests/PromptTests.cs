namespace ActorNet.Cli.Tests;

public class PromptTests : IAsyncLifetime
{
    private readonly FakeNode node = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task The_prompt_runs_commands_line_by_line_and_survives_errors_until_exit()
    {
        node.Reply("GET", "/api/cluster/members", 200, """[{"address":"akka.tcp://actornet@127.0.0.1:4053","status":"Up","roles":["lighthouse"],"bureau":null,"reachable":true,"appVersion":"0.1.0","isLeader":true,"isSelf":true}]""");
        node.Problem("GET", "/api/bureaus", 403, "This call needs the officer role");

        var run = await CliRun.RunAsync(["--node", node.Url], stdin: """
            cluster show

            fleet show
            bureau list
            cluster show --json
            exit
            cluster show
            """);

        Assert.Equal(CliApp.Success, run.ExitCode);
        var prompt = $"[127.0.0.1:{node.Port}] actornet> ";
        Assert.StartsWith(prompt + "akka.tcp://actornet@127.0.0.1:4053 | [lighthouse] | Up | Reachable | 0.1.0\nCount: 1 nodes\n", run.Stdout);
        Assert.Contains("Unknown palette 'fleet'", run.Stderr);
        Assert.Contains("This call needs the officer role", run.Stderr);
        Assert.Contains("\"appVersion\": \"0.1.0\"", run.Stdout);
        // The command after exit never ran: two member listings were asked for, not three.
        Assert.Equal(2, node.Requests.Count(r => r.Path == "/api/cluster/members"));
        Assert.EndsWith(prompt, run.Stdout);
    }

    [Fact]
    public async Task With_no_palette_the_prompt_names_the_default_node_as_pbm_does()
    {
        var run = await CliRun.RunAsync([], stdin: "");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.StartsWith("[127.0.0.1:5080] actornet> ", run.Stdout);
    }

    [Fact]
    public async Task The_prompt_ends_at_the_end_of_input_and_on_quit()
    {
        var atEnd = await CliRun.RunAsync(["--node", node.Url], stdin: "help\n");
        var onQuit = await CliRun.RunAsync(["--node", node.Url], stdin: "quit\nhelp\n");

        Assert.Equal(CliApp.Success, atEnd.ExitCode);
        Assert.Contains("Palettes:", atEnd.Stdout);
        Assert.Equal(CliApp.Success, onQuit.ExitCode);
        Assert.DoesNotContain("Palettes:", onQuit.Stdout);
    }

    [Fact]
    public async Task The_prompt_keeps_going_when_the_node_is_unreachable()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;

        var run = await CliRun.RunAsync(["--node", $"127.0.0.1:{port}"], stdin: "cluster show\ncluster status\n");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(2, run.Stderr.Split('\n').Count(l => l.StartsWith($"Cannot reach the node at http://127.0.0.1:{port}", StringComparison.Ordinal)));
    }
}
