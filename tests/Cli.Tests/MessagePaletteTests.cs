using System.Text.Json;

namespace ActorNet.Cli.Tests;

/// <summary>The message palette's attachments: sent with --attach, listed by show, saved by attachment.</summary>
public sealed class MessagePaletteTests : IAsyncLifetime
{
    private readonly FakeNode node = new();
    private readonly string directory = Directory.CreateTempSubdirectory("actornet-cli-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await node.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync(["--node", node.Url, "--token", "t0ken", .. args]);

    [Fact]
    public async Task Send_attaches_each_file_in_base64_with_its_name_and_content_type()
    {
        node.Reply("POST", "/api/messages", 202, """{"id":"m1"}""");
        var pdf = Path.Combine(directory, "report.pdf");
        var blob = Path.Combine(directory, "dump.raw");
        await File.WriteAllBytesAsync(pdf, [0x25, 0x50, 0x44, 0x46]);
        await File.WriteAllBytesAsync(blob, [0, 255]);

        var run = await Run("message", "send", "--to", "DE", "--body", "b", "--attach", pdf, "--attach=" + blob);

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Equal(["Queued: m1"], run.StdoutLines);
        using var body = JsonDocument.Parse(Assert.Single(node.Requests).Body);
        var attachments = body.RootElement.GetProperty("attachments");
        Assert.Equal(2, attachments.GetArrayLength());
        Assert.Equal("report.pdf", attachments[0].GetProperty("name").GetString());
        Assert.Equal("application/pdf", attachments[0].GetProperty("contentType").GetString());
        Assert.Equal("JVBERg==", attachments[0].GetProperty("data").GetString());
        Assert.Equal("dump.raw", attachments[1].GetProperty("name").GetString());
        Assert.Equal("application/octet-stream", attachments[1].GetProperty("contentType").GetString());
        Assert.Equal("AP8=", attachments[1].GetProperty("data").GetString());
    }

    [Fact]
    public async Task Send_refuses_files_over_one_MiB_in_all_before_calling_the_node()
    {
        var big = Path.Combine(directory, "big.bin");
        await File.WriteAllBytesAsync(big, new byte[700_000]);

        var run = await Run("message", "send", "--to", "DE", "--body", "b", "--attach", big, "--attach", big);

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.Contains("1400000 bytes", run.Stderr);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public async Task Show_lists_a_received_message_and_its_attachments_and_attachment_saves_one()
    {
        node.Problem("GET", "/api/messages/m1", 404, "No message m1 was sent from this bureau");
        node.Reply("GET", "/api/messages/inbox/m1", 200, """
            {"id":"m1","from":"FR","subject":"Photos","body":"see attached","handlingCode":"H1","caseId":null,
             "sentAt":"2026-11-28T10:00:00Z","receivedAt":"2026-11-28T10:00:01Z",
             "attachments":[{"index":0,"name":"scan.tiff","contentType":"image/tiff","size":900000},{"index":1,"name":"note.txt","contentType":"text/plain","size":12}]}
            """);
        node.ReplyFile("GET", "/api/messages/m1/attachments/1", "text/plain", "hello, Lyon\n"u8.ToArray());
        var saved = Path.Combine(directory, "note.txt");

        var show = await Run("message", "show", "m1");
        var save = await Run("message", "attachment", "m1", "1", "--out", saved);

        Assert.Equal(CliApp.Success, show.ExitCode);
        Assert.Contains(show.StdoutLines, l => l.StartsWith("From:") && l.EndsWith(" FR"));
        Assert.Contains(show.StdoutLines, l => l.Contains("scan.tiff") && l.Contains("image/tiff") && l.Contains("900000"));
        Assert.Contains(show.StdoutLines, l => l.StartsWith("1 ") && l.Contains("note.txt"));
        Assert.Equal(CliApp.Success, save.ExitCode);
        Assert.Equal("hello, Lyon\n", await File.ReadAllTextAsync(saved));
        Assert.Contains("Saved 12 bytes (text/plain)", save.Stdout);
    }

    [Fact]
    public async Task A_message_the_node_cannot_open_says_so_in_the_inbox_and_in_show()
    {
        const string why = "Tampered: the payload does not decode";
        node.Reply("GET", "/api/messages/inbox", 200, $$"""
            [{"id":"m1","from":"FR","subject":"","body":"","handlingCode":"H1","caseId":null,
              "sentAt":"2026-11-28T10:00:00Z","receivedAt":"2026-11-28T10:00:01Z","attachments":[],"unreadable":"{{why}}"},
             {"id":"m2","from":"FR","subject":"Plates","body":"AB-123-CD","handlingCode":"H1","caseId":null,
              "sentAt":"2026-11-28T10:00:02Z","receivedAt":"2026-11-28T10:00:03Z","attachments":[]}]
            """);
        node.Problem("GET", "/api/messages/m1", 404, "No message m1 was sent from this bureau");
        node.Reply("GET", "/api/messages/inbox/m1", 200, $$"""
            {"id":"m1","from":"FR","subject":"","body":"","handlingCode":"H1","caseId":null,
             "sentAt":"2026-11-28T10:00:00Z","receivedAt":"2026-11-28T10:00:01Z","attachments":[],"unreadable":"{{why}}"}
            """);

        var inbox = await Run("message", "inbox");
        var show = await Run("message", "show", "m1");

        Assert.Equal(CliApp.Success, inbox.ExitCode);
        Assert.Contains(inbox.StdoutLines, l => l.StartsWith("m1 ") && l.Contains("(cannot be opened here)") && l.Contains(why));
        Assert.Contains(inbox.StdoutLines, l => l.StartsWith("m2 ") && l.Contains("Plates") && l.Contains("AB-123-CD") && !l.Contains("cannot"));
        Assert.Equal(CliApp.Success, show.ExitCode);
        Assert.Contains(show.StdoutLines, l => l == "This node cannot open the message: " + why);
    }

    [Fact]
    public async Task Show_of_a_message_the_bureau_neither_sent_nor_received_is_refused()
    {
        node.Problem("GET", "/api/messages/nope", 404, "No message nope was sent from this bureau");
        node.Problem("GET", "/api/messages/inbox/nope", 404, "No message nope is in this bureau's inbox");

        var run = await Run("message", "show", "nope");

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.Contains("No message nope was sent from or received by this bureau", run.Stderr);
    }
}
