using System.Net;
using System.Net.Http.Json;
using ActorNet.Protocol.Api;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>Sealed messages between real bureau nodes: delivered once and in order across a kill -9, never readable at rest.</summary>
public sealed class MessagingTests(ITestOutputHelper output) : Scenario(output)
{
    [Fact]
    public async Task Messages_arrive_once_in_order_across_a_recipient_kill_and_stay_sealed_at_rest()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "US");
        var (gs, fr, us) = (nodes[0], nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "US" && b.Fingerprint is not null), Ready, "FR to know US's keys");

        const int total = 300;
        const string marker = "UNIQUE-BODY-5f1c9e";
        var ids = new List<string>();
        for (var i = 0; i < total; i++)
        {
            if (i == total / 2)
                us.Kill(); // the recipient dies mid-stream; the sender keeps accepting
            var response = await fr.Http.PostAsJsonAsync("/api/messages",
                new SendMessageRequest(["US"], $"n{i}", $"{marker} {i}", "H1", null, null));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<MessageAccepted>())!.Id);
        }
        Assert.Equal("queued", (await fr.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{ids[^1]}"))!.Recipients["US"]);

        var back = Track(NodeProcess.StartNode("US", [seed], Temp.Sub("US")));
        await back.WaitReadyAsync(Ready);
        var inbox = new List<InboxMessage>();
        await Eventually.TrueAsync(async () => (await Inbox.ReadMoreAsync(back, inbox)).Count >= total, TimeSpan.FromSeconds(90), "all messages at US",
            () => $"{inbox.Count} so far");

        Assert.Equal(ids, inbox.Select(m => m.Id));
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"{marker} {i}"), inbox.Select(m => m.Body));
        Assert.All(inbox, m => Assert.Equal("FR", m.From));
        await Eventually.TrueAsync(async () => (await fr.Http.GetFromJsonAsync<MessageStatusInfo>($"/api/messages/{ids[^1]}"))!.Recipients["US"] == "read",
            Ready, "FR to see the last message read");

        // Sealed at rest: no node's database (journal, snapshots, their WALs) holds the body in clear.
        var databases = Directory.EnumerateFiles(Temp.Path, "actornet*.db*", SearchOption.AllDirectories).ToList();
        Assert.Contains(databases, f => f.Contains("actornet-snapshots.db"));
        foreach (var file in databases)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.False(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(marker)) >= 0, $"{file} holds a message body in clear");
        }
    }

    [Fact]
    public async Task Officers_send_and_read_with_the_cli()
    {
        var (seed, nodes) = await StartClusterAsync("GS", "FR", "DE");
        var (gs, fr, de) = (nodes[0], nodes[1], nodes[2]);
        await Eventually.TrueAsync(async () => (await fr.BureausAsync()).Any(b => b.Code == "DE" && b.Fingerprint is not null), Ready, "FR to know DE's keys");

        Task<(int, string, string)> Cli(NodeProcess node, params string[] args) =>
            NodeProcess.RunToExitAsync(Binaries.Cli, ["--node", node.Http.BaseAddress!.ToString(), "--token", NodeProcess.AdminToken, .. args], TimeSpan.FromSeconds(30));

        // DE follows its live events while FR sends.
        using var events = new HttpClient { BaseAddress = de.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        events.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", NodeProcess.AdminToken);
        using var stream = await events.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        // And a client of the full feed, whose message events carry the messages themselves.
        using var fullStream = await events.GetAsync("/api/events?messages=full", HttpCompletionOption.ResponseHeadersRead);
        var fullReader = new StreamReader(await fullStream.Content.ReadAsStreamAsync());

        var (sent, sentOut, sentErr) = await Cli(fr, "message", "send", "--to", "DE", "--subject", "Stolen car", "--body", "Plate AB-123-CD seen in Lyon", "--handling", "H2");
        Assert.True(sent == 0, sentOut + sentErr);
        var id = sentOut.Trim().Split(' ')[^1];

        using (var cts = new CancellationTokenSource(Ready))
        {
            string? line;
            do line = await reader.ReadLineAsync(cts.Token); while (line is not null && !line.Contains(id));
            Assert.NotNull(line);
        }
        var carried = await NextMessageEventAsync(fullReader);
        Assert.Equal((id, "FR", "Stolen car", "Plate AB-123-CD seen in Lyon", "H2"), (carried.Id, carried.From, carried.Subject, carried.Body, carried.HandlingCode));
        Assert.Null(carried.Unreadable);
        await Eventually.TrueAsync(async () => (await Cli(fr, "message", "show", id)).Item2.Contains("read"), Ready, "FR to see " + id + " read through the feed");
        var (read, inbox, _) = await Cli(de, "message", "inbox");
        Assert.Equal(0, read);
        Assert.Contains("Plate AB-123-CD seen in Lyon", inbox);
        Assert.Contains("H2", inbox);

        // DE may not pass FR's H2 message on; an H1 one it may.
        var refused = await de.Http.PostAsJsonAsync($"/api/messages/{id}/forward", new ForwardRequest(["GS"]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var h1 = (await (await fr.Http.PostAsJsonAsync("/api/messages", new SendMessageRequest(["DE"], "s", "open to all", "H1", null, null)))
            .Content.ReadFromJsonAsync<MessageAccepted>())!.Id;
        await Eventually.TrueAsync(async () => (await de.Http.PostAsJsonAsync($"/api/messages/{h1}/forward", new ForwardRequest(["GS"]))).StatusCode == HttpStatusCode.Accepted,
            Ready, "DE to forward the H1 message");
        Assert.Equal(HttpStatusCode.NotFound, (await de.Http.PostAsJsonAsync("/api/messages/nope/forward", new ForwardRequest(["GS"]))).StatusCode);

        // A client that reconnects after the first message (as EventSource does, with Last-Event-ID) is sent the next one.
        using var resume = new HttpRequestMessage(HttpMethod.Get, "/api/events?messages=full");
        resume.Headers.Add("Last-Event-ID", id);
        using var resumed = await events.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(h1, (await NextMessageEventAsync(new StreamReader(await resumed.Content.ReadAsStreamAsync()))).Id);
        // A page of messages goes out as one burst, in parts past 64 KiB: a client after h1 reads them all, whole and in order.
        var bodies = Enumerable.Range(0, 6).Select(i => i == 2 ? new string('x', 150_000) + " large" : $"page body {i}").ToArray();
        var page = await fr.Http.PostAsJsonAsync("/api/messages/batch", bodies.Select(b => new SendMessageRequest(["DE"], "page", b, "H1", null, null)).ToArray());
        Assert.Equal(HttpStatusCode.Accepted, page.StatusCode);
        await Eventually.TrueAsync(async () => (await de.Http.GetFromJsonAsync<InboxMessage[]>($"/api/messages/inbox?after={h1}"))!.Length == bodies.Length,
            Ready, "DE to hold the page");
        using var after = new HttpRequestMessage(HttpMethod.Get, $"/api/events?messages=full&after={h1}");
        using var afterFeed = await events.SendAsync(after, HttpCompletionOption.ResponseHeadersRead);
        var pageReader = new StreamReader(await afterFeed.Content.ReadAsStreamAsync());
        foreach (var body in bodies)
            Assert.Equal(body, (await NextMessageEventAsync(pageReader)).Body);
        var badFeed = await de.Http.GetAsync("/api/events?messages=bodies");
        Assert.Equal(HttpStatusCode.BadRequest, badFeed.StatusCode);
        Assert.Contains("full", await badFeed.Content.ReadAsStringAsync());
        var badCursor = await de.Http.GetAsync("/api/events?messages=full&after=nope");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("no message nope", await badCursor.Content.ReadAsStringAsync());

        var (bad, _, badErr) = await Cli(fr, "message", "send", "--to", "ZZ", "--body", "x");
        Assert.Equal(1, bad);
        Assert.Contains("ZZ", badErr);
    }

    /// <summary>The message carried by the next <c>message</c> event of a full feed (<c>?messages=full</c>).</summary>
    private static async Task<InboxMessage> NextMessageEventAsync(StreamReader feed)
    {
        using var cts = new CancellationTokenSource(Ready);
        string? type = null;
        while (await feed.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                type = line[7..];
            else if (type == "message" && line.StartsWith("data: ", StringComparison.Ordinal))
                return System.Text.Json.JsonSerializer.Deserialize<InboxMessage>(line[6..], new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        }
        throw new InvalidOperationException("the feed ended without a message event");
    }
}
