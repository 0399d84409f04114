using System.Text.Json;

namespace ActorNet.Cli.Tests;

public class NoticePaletteTests : IAsyncLifetime
{
    private const string Notices = """
        [{"id":"0192f0c4a1b2","kind":"notice","type":"red","state":"published","requestedBy":"FR","name":"Al-Hassan","forename":"Mohammed",
          "dateOfBirth":"1980-04","nationalities":["FR","DZ"],"updatedAt":"2026-11-28T10:00:00Z"}]
        """;

    private const string Notice = """
        {"id":"0192f0c4a1b2","kind":"notice","type":"red","state":"pending-review","requestedBy":"FR",
         "subject":{"name":"Al-Hassan","forename":"Mohammed","aliases":["Abu Ali"],"dateOfBirth":"1980-04","nationalities":["FR"]},
         "offence":"armed robbery","warrant":{"issuedBy":"Tribunal de Paris","date":"2026-01-15","charge":"vol"},"attachments":[],
         "restrictedFrom":["ES"],"public":false,"to":[],"reason":null,"updatedAt":"2026-11-28T10:00:00Z",
         "findings":[{"code":"article-3","field":"offence","detail":"mentions 'political'"}],
         "history":[{"what":"requested","by":"FR","reason":null,"at":"2026-11-28T09:00:00Z"}]}
        """;

    private readonly FakeNode node = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await node.DisposeAsync();

    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync(["--node", node.Url, "--token", "t0ken", .. args]);

    [Fact]
    public async Task Notice_list_prints_one_line_per_notice_and_passes_the_type()
    {
        node.Reply("GET", "/api/notices", 200, Notices);

        var run = await Run("notice", "list", "--type", "red");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.StartsWith("ID", run.StdoutLines[0]);
        Assert.Contains("Mohammed Al-Hassan", run.StdoutLines[1]);
        Assert.Contains("FR,DZ", run.StdoutLines[1]);
        Assert.Contains("published", run.StdoutLines[1]);
        Assert.Equal("GET", Assert.Single(node.Requests).Method);
    }

    [Fact]
    public async Task Notice_show_prints_the_subject_findings_and_history()
    {
        node.Reply("GET", "/api/notices/0192f0c4a1b2", 200, Notice);

        var run = await Run("notice", "show", "0192f0c4a1b2");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Contains("Abu Ali", run.Stdout);
        Assert.Contains("Tribunal de Paris, 2026-01-15: vol", run.Stdout);
        Assert.Contains("Finding: article-3 on offence", run.Stdout);
        Assert.Contains("History: 2026-11-28 09:00:00Z requested by FR", run.Stdout);
    }

    [Fact]
    public async Task Notice_review_posts_the_decision_and_reason()
    {
        node.Reply("POST", "/api/notices/0192f0c4a1b2/review", 200, """{"id":"0192f0c4a1b2","state":"published"}""");

        var run = await Run("notice", "review", "0192f0c4a1b2", "approve", "--reason", "identity checks out");

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(["Notice 0192f0c4a1b2 is published"], run.StdoutLines);
        using var body = JsonDocument.Parse(Assert.Single(node.Requests).Body);
        Assert.Equal("approve", body.RootElement.GetProperty("decision").GetString());
        Assert.Equal("identity checks out", body.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Notice_review_refuses_a_decision_that_is_neither_approve_nor_reject_and_reports_a_conflict()
    {
        var bad = await Run("notice", "review", "0192f0c4a1b2", "maybe", "--reason", "x");
        Assert.Equal(CliApp.BadUsage, bad.ExitCode);
        Assert.Contains("approve or reject", bad.Stderr);

        node.Problem("POST", "/api/notices/0192f0c4a1b2/review", 409, "Notice 0192f0c4a1b2 was already decided: it is published");
        var conflict = await Run("notice", "review", "0192f0c4a1b2", "reject", "--reason", "late");
        Assert.Equal(CliApp.Refused, conflict.ExitCode);
        Assert.Contains("already decided", conflict.Stderr);
    }

    [Fact]
    public async Task Notice_review_needs_a_reason()
    {
        var run = await Run("notice", "review", "0192f0c4a1b2", "approve");

        Assert.Equal(CliApp.BadUsage, run.ExitCode);
        Assert.Empty(node.Requests);
    }
}
