using System.Net;
using System.Net.Http.Json;
using System.Text;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>Files sent with a sealed message: up to 1 MiB in all, listed in the recipient's inbox, fetched by its reader, sealed at rest.</summary>
public sealed class AttachmentTests(ITestOutputHelper output) : Scenario(output)
{
    private const string Marker = "ATTACHED-SECRET-7d41b2";

    private static async Task<string> ProblemTitle(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ProblemTitleOnly>())!.Title;

    private sealed record ProblemTitleOnly(string Title);

    private static SendMessageRequest Message(string subject, string body, params AttachmentUpload?[] attachments) =>
        new(["DE"], subject, body, "H1", null, null, attachments);

    [Fact]
    public async Task Attachments_travel_sealed_are_listed_in_the_inbox_and_fetched_by_the_reader_through_the_api_and_the_cli()
    {
        var (_, nodes) = await StartClusterAsync("GS", "FR", "DE");
        var (fr, de) = (nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "DE" && b.Fingerprint is not null), Ready, "FR to know DE's keys");

        // 900 KB of binary: 1.2 MB of base64, more than an ordinary request may carry, within what a message may.
        var scan = new byte[900_000];
        new Random(3).NextBytes(scan);
        var note = Encoding.UTF8.GetBytes($"{Marker} plate AB-123-CD");
        var response = await fr.Http.PostAsJsonAsync("/api/messages", Message("Photos", "see attached",
            new AttachmentUpload("scan.tiff", "image/tiff", Convert.ToBase64String(scan)),
            new AttachmentUpload("note.txt", null, Convert.ToBase64String(note))));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<MessageAccepted>())!.Id;

        var inbox = new List<InboxMessage>();
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(de, inbox)).Any(m => m.Id == id), Ready, "the message at DE");
        var received = inbox.Single(m => m.Id == id);
        Assert.Equal(
            [new AttachmentInfo(0, "scan.tiff", "image/tiff", scan.Length), new AttachmentInfo(1, "note.txt", "application/octet-stream", note.Length)],
            received.Attachments!);
        Assert.Equal(received.Attachments, (await de.Http.GetFromJsonAsync<InboxMessage>($"/api/messages/inbox/{id}"))!.Attachments);

        var file = await de.Http.GetAsync($"/api/messages/{id}/attachments/0");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/tiff", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", Assert.Single(file.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("scan.tiff", file.Content.Headers.ContentDisposition!.FileNameStar ?? file.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(scan, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await de.Http.GetAsync($"/api/messages/{id}/attachments/2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fr.Http.GetAsync($"/api/messages/{id}/attachments/0")).StatusCode); // the sender holds no copy it can open
        Assert.Equal(HttpStatusCode.NotFound, (await de.Http.GetAsync("/api/messages/inbox/nope")).StatusCode);

        // The CLI: --attach (repeatable) on one side, show and attachment on the other.
        Task<(int, string, string)> Cli(NodeProcess node, params string[] args) =>
            NodeProcess.RunToExitAsync(Binaries.Cli, ["--node", node.Http.BaseAddress!.ToString(), "--token", NodeProcess.AdminToken, .. args], TimeSpan.FromSeconds(30));
        var report = Temp.Sub("report.pdf");
        var list = Temp.Sub("list.csv");
        await File.WriteAllBytesAsync(report, scan[..5000]);
        await File.WriteAllTextAsync(list, "plate,seen\nAB-123-CD,Lyon\n");
        var (sent, sentOut, sentErr) = await Cli(fr, "message", "send", "--to", "DE", "--subject", "Files", "--body", "two files", "--attach", report, "--attach", list);
        Assert.True(sent == 0, sentOut + sentErr);
        var cliId = sentOut.Trim().Split(' ')[^1];
        await Eventually.TrueAsync(async () => (await Cli(de, "message", "show", cliId)).Item2.Contains("list.csv"), Ready, "DE to show the CLI's message");
        var (_, shown, _) = await Cli(de, "message", "show", cliId);
        Assert.Contains("report.pdf", shown);
        Assert.Contains("application/pdf", shown);
        Assert.Contains("text/csv", shown);
        Assert.Contains("5000", shown);
        var saved = Temp.Sub("saved.csv");
        var (got, gotOut, gotErr) = await Cli(de, "message", "attachment", cliId, "1", "--out", saved);
        Assert.True(got == 0, gotOut + gotErr);
        Assert.Equal("plate,seen\nAB-123-CD,Lyon\n", await File.ReadAllTextAsync(saved));
        var (missing, _, missingErr) = await Cli(fr, "message", "send", "--to", "DE", "--body", "x", "--attach", Temp.Sub("nothing-here.pdf"));
        Assert.Equal(2, missing);
        Assert.Contains("nothing-here.pdf: no such file", missingErr);

        // Sealed at rest: neither node's database holds the attachment in clear.
        foreach (var db in Directory.EnumerateFiles(Temp.Path, "actornet*.db*", SearchOption.AllDirectories))
            Assert.False((await File.ReadAllBytesAsync(db)).AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker)) >= 0, $"{db} holds an attachment in clear");
    }

    [Fact]
    public async Task Bad_attachments_are_refused_naming_the_field_and_more_than_one_MiB_in_all_is_413()
    {
        var (_, nodes) = await StartClusterAsync("GS", "DE");
        var de = nodes[1]; // a bureau may write to itself: the checks below come before anything is sealed
        await Eventually.TrueAsync(async () => (await de.BureausAsync()).Any(b => b.Code == "DE" && b.Fingerprint is not null), Ready, "DE to know its own keys");
        var ok = Convert.ToBase64String([1, 2, 3]);

        async Task AssertRefused(HttpStatusCode status, string field, SendMessageRequest request)
        {
            var response = await de.Http.PostAsJsonAsync("/api/messages", request);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(field, await ProblemTitle(response));
        }

        await AssertRefused(HttpStatusCode.BadRequest, "\"attachments[1].name\" is missing",
            Message("s", "b", new AttachmentUpload("a.bin", null, ok), new AttachmentUpload(null, "text/plain", ok)));
        await AssertRefused(HttpStatusCode.BadRequest, "\"attachments[0].data\" is not valid base64",
            Message("s", "b", new AttachmentUpload("a.bin", null, "not base64!")));
        await AssertRefused(HttpStatusCode.BadRequest, "\"attachments[0].data\" is missing",
            Message("s", "b", new AttachmentUpload("a.bin", null, null)));
        await AssertRefused(HttpStatusCode.BadRequest, "\"attachments[0].name\"",
            Message("s", "b", new AttachmentUpload("../etc/passwd", null, ok)));
        await AssertRefused(HttpStatusCode.BadRequest, "\"attachments[0].contentType\"",
            Message("s", "b", new AttachmentUpload("a.bin", "pdf", ok)));
        await AssertRefused(HttpStatusCode.BadRequest, "\"attachments[0]\" is null", Message("s", "b", [null]));
        await AssertRefused(HttpStatusCode.BadRequest, "\"attachments[0].contentType\"",
            Message("s", "b", new AttachmentUpload("a.bin", "text/plain\r\nX-Evil: 1", ok)));
        // 600 KB of body and 500 KB of attachment: each fits, together they do not.
        await AssertRefused(HttpStatusCode.RequestEntityTooLarge, "at most 1048576 (1 MiB) in all",
            Message("s", new string('x', 600_000), new AttachmentUpload("a.bin", null, Convert.ToBase64String(new byte[500_000]))));
        // A request larger than even a full message written in base64 is cut off by the server.
        var huge = await de.Http.PostAsJsonAsync("/api/messages", Message("s", "b", new AttachmentUpload("a.bin", null, Convert.ToBase64String(new byte[1_700_000]))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.Accepted, (await de.Http.PostAsJsonAsync("/api/messages", Message("s", "b", new AttachmentUpload("a.bin", null, ok)))).StatusCode);
    }
}
