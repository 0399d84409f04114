using ActorNet.Cli.Palettes;

namespace ActorNet.Cli.Tests;

public class CommandLineTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    [Fact]
    public void Node_defaults_to_loopback_5080_and_token_to_none()
    {
        var options = GlobalOptions.Parse(["cluster", "show"], NoEnv);

        Assert.Equal(new Uri("http://127.0.0.1:5080/"), options.Node);
        Assert.Null(options.Token);
        Assert.False(options.Json);
        Assert.Equal(["cluster", "show"], options.Words);
    }

    [Fact]
    public void Environment_supplies_node_and_token_and_flags_win_over_it()
    {
        var env = new Dictionary<string, string> { ["ACTORNET_NODE"] = "http://10.0.0.1:6000", ["ACTORNET_TOKEN"] = "from-env" };

        var fromEnv = GlobalOptions.Parse(["cluster", "show"], env.GetValueOrDefault);
        var fromFlags = GlobalOptions.Parse(["--node", "http://10.0.0.2:7000", "--token=flag", "cluster", "show"], env.GetValueOrDefault);

        Assert.Equal(new Uri("http://10.0.0.1:6000/"), fromEnv.Node);
        Assert.Equal("from-env", fromEnv.Token);
        Assert.Equal(new Uri("http://10.0.0.2:7000/"), fromFlags.Node);
        Assert.Equal("flag", fromFlags.Token);
    }

    [Fact]
    public void Global_options_may_follow_the_command()
    {
        var options = GlobalOptions.Parse(["cluster", "show", "--json", "--node", "127.0.0.1:5081"], NoEnv);

        Assert.True(options.Json);
        Assert.Equal(new Uri("http://127.0.0.1:5081/"), options.Node);
        Assert.Equal(["cluster", "show"], options.Words);
    }

    [Fact]
    public void A_node_that_is_not_a_url_is_bad_usage()
    {
        var e = Assert.Throws<UsageException>(() => GlobalOptions.Parse(["--node", "ftp://x:1", "cluster", "show"], NoEnv));
        Assert.Contains("--node 'ftp://x:1' is not a node URL", e.Message);
    }

    [Fact]
    public void Command_arguments_take_positionals_and_declared_flags_in_either_form()
    {
        var command = new Command("token", "create", "", _ => Task.FromResult(0), ["NAME"], [new Flag("--role", "ROLE", Required: true)]);

        var spaced = CommandArgs.Parse(command, ["officer-1", "--role", "officer"], "usage");
        var inline = CommandArgs.Parse(command, ["--role=admin", "x"], "usage");

        Assert.Equal("officer-1", spaced[0]);
        Assert.Equal("officer", spaced.Flag("--role"));
        Assert.Equal("admin", inline.Flag("--role"));
        Assert.Equal("x", inline[0]);
    }

    [Theory]
    [InlineData(new[] { "--role", "officer" }, "Missing NAME: write actornet token create NAME --role ROLE")]
    [InlineData(new[] { "a", "b", "--role", "officer" }, "Unexpected 'b': write actornet token create NAME --role ROLE")]
    [InlineData(new[] { "a" }, "Missing --role: write actornet token create NAME --role ROLE")]
    [InlineData(new[] { "a", "--role" }, "--role needs a value: write actornet token create NAME --role ROLE")]
    [InlineData(new[] { "a", "--colour", "red" }, "Unknown flag --colour for 'token create': write actornet token create NAME --role ROLE")]
    public void Command_arguments_that_do_not_fit_say_what_to_write(string[] words, string message)
    {
        var command = new Command("token", "create", "", _ => Task.FromResult(0), ["NAME"], [new Flag("--role", "ROLE", Required: true)]);

        var e = Assert.Throws<UsageException>(() => CommandArgs.Parse(command, words, "the usage"));

        Assert.Equal(message, e.Message);
        Assert.Equal("the usage", e.Usage);
    }

    [Fact]
    public void Short_flags_count_where_the_command_declares_them_as_pbm_writes_them()
    {
        var command = new Command("actor", "hierarchy", "", _ => Task.FromResult(0), Flags: [new Flag("-s", "PATH"), new Flag("-d", "DEPTH")]);

        var args = CommandArgs.Parse(command, ["-s", "/user/bureau", "-d", "2"], "usage");

        Assert.Equal("/user/bureau", args.Flag("-s"));
        Assert.Equal("2", args.Flag("-d"));
        var e = Assert.Throws<UsageException>(() => CommandArgs.Parse(command, ["-x"], "usage"));
        Assert.Equal("Unexpected '-x': write actornet actor hierarchy [-s PATH] [-d DEPTH]", e.Message);
    }

    [Fact]
    public void Prompt_lines_split_on_blanks_and_keep_quoted_words_whole()
    {
        Assert.Equal(["bureau", "settings", "--display-name", "Police Nationale", "--contact-email", "a@b.fr", ""],
            CliApp.SplitLine("  bureau settings --display-name \"Police Nationale\"   --contact-email 'a@b.fr' ''"));
        Assert.Throws<UsageException>(() => CliApp.SplitLine("bureau settings --display-name \"open"));
    }
}
