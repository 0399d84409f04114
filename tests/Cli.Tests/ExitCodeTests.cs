namespace ActorNet.Cli.Tests;

public class ExitCodeTests
{
    [Theory]
    [InlineData(new[] { "fleet", "show" }, "Unknown palette 'fleet'")]
    [InlineData(new[] { "cluster" }, "'cluster' needs a command: write actornet cluster COMMAND")]
    [InlineData(new[] { "cluster", "explode" }, "Unknown command 'cluster explode'")]
    [InlineData(new[] { "cluster", "join" }, "Missing ADDR: write actornet cluster join ADDR")]
    [InlineData(new[] { "cluster", "show", "extra" }, "Unexpected 'extra'")]
    [InlineData(new[] { "cluster", "show", "--verbose", "x" }, "Unknown flag --verbose")]
    [InlineData(new[] { "token", "create" }, "Missing --role: write actornet token create --role ROLE")]
    [InlineData(new[] { "token", "create", "--role", "chief" }, "--role 'chief' is not a role")]
    [InlineData(new[] { "bureau", "settings" }, "Nothing to change")]
    [InlineData(new[] { "--node" }, "--node needs a value")]
    [InlineData(new[] { "help", "fleet" }, "No help on 'fleet'")]
    public async Task Bad_usage_exits_2_with_one_line_saying_what_to_write_then_the_usage(string[] args, string firstLine)
    {
        // A closed port: bad usage must be caught before any call to the node.
        using var closed = new ClosedPort();
        var run = await CliRun.RunAsync([.. args, "--node", $"127.0.0.1:{closed.Port}"]);

        Assert.Equal(CliApp.BadUsage, run.ExitCode);
        var lines = run.Stderr.Split('\n');
        Assert.StartsWith(firstLine, lines[0]);
        Assert.Equal("", lines[1]);
        Assert.StartsWith("Usage: actornet", lines[2]);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("cluster", "show")]
    [InlineData("cluster", "tail")]
    [InlineData("bureau", "list")]
    public async Task A_node_nobody_listens_on_exits_3_naming_its_url(string palette, string command)
    {
        using var closed = new ClosedPort();
        var port = closed.Port;

        var run = await CliRun.RunAsync(["--node", $"http://127.0.0.1:{port}", palette, command]);

        Assert.Equal(CliApp.Unreachable, run.ExitCode);
        Assert.Contains($"Cannot reach the node at http://127.0.0.1:{port}", run.Stderr);
    }

    [Fact]
    public async Task Help_lists_every_palette_and_exits_0()
    {
        var run = await CliRun.RunAsync(["help"]);

        Assert.Equal(CliApp.Success, run.ExitCode);
        foreach (var palette in CliApp.Palettes)
            Assert.Contains(palette.Name, run.Stdout);
    }

    [Fact]
    public async Task Help_on_a_palette_lists_its_commands()
    {
        var run = await CliRun.RunAsync(["help", "cluster"]);

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Contains("cluster down-unreachable", run.Stdout);
        Assert.Contains("cluster join ADDR", run.Stdout);
    }
}
