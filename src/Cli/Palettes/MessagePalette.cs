using System.Text.Json;
using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>Sealed bureau-to-bureau messages: send from this node's bureau, read its inbox, follow one's delivery.</summary>
public sealed class MessagePalette : Palette
{
    /// <summary>What a message may carry in all (subject, body, attachments), as the node counts it.</summary>
    private const long MaxContentBytes = 1024 * 1024;

    public override string Name => "message";

    public override string Summary => "sealed messages from and to this node's bureau";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "send", "seal and send a message (officer); --to takes bureau codes separated by commas, --attach a file (repeatable)", Send,
            Flags: [new Flag("--to", "US,DE", Required: true), new Flag("--subject", "S"), new Flag("--body", "B", Required: true),
                new Flag("--handling", "H0|H1|H2|H3"), new Flag("--case", "ID"), new Flag("--attach", "FILE", Repeatable: true)]),
        new(Name, "inbox", "messages received, oldest first (officer); marks them read", Inbox, Flags: [new Flag("--after", "ID")]),
        new(Name, "follow", "prints each message received after ID (all without it), then each as it arrives, until interrupted (officer); marks them read",
            Follow, Flags: [new Flag("--after", "ID")]),
        new(Name, "show", "a sent message and each recipient's state, or a received one and its attachments (officer)", Show, Arguments: ["ID"]),
        new(Name, "attachment", "saves attachment N (from 0) of a received message to FILE (officer)", SaveAttachment,
            Arguments: ["ID", "N"], Flags: [new Flag("--out", "FILE", Required: true)]),
    ];

    private static async Task<int> Send(Invocation i)
    {
        var to = i.Args.Flag("--to")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (to.Length == 0)
            throw new UsageException("--to names no bureau: write --to US or --to US,DE", i.Usage);
        var attachments = await ReadAttachmentsAsync(i);
        var accepted = await i.Node.PostAsync<MessageAccepted>("api/messages",
            new SendMessageRequest(to, i.Args.Flag("--subject") ?? "", i.Args.Flag("--body"), i.Args.Flag("--handling") ?? "H0", i.Args.Flag("--case"), null,
                attachments), i.Cancel);
        i.Out.Result(accepted, a => [$"Queued: {a.Id}"]);
        return CliApp.Success;
    }

    /// <summary>The files of every --attach, checked here so that a missing or oversized file is reported before anything is sent.</summary>
    private static async Task<IReadOnlyList<AttachmentUpload?>?> ReadAttachmentsAsync(Invocation i)
    {
        var files = i.Args.Flags("--attach");
        if (files.Count == 0)
            return null;
        var missing = files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
            throw new UsageException($"--attach {missing}: no such file", i.Usage);
        var size = files.Sum(f => new FileInfo(f).Length);
        if (size > MaxContentBytes)
            throw new CommandRefusedException($"The attached files come to {size} bytes; a message carries at most {MaxContentBytes} (1 MiB) in all: send fewer or smaller files");
        var uploads = new List<AttachmentUpload?>();
        foreach (var file in files)
            uploads.Add(new AttachmentUpload(Path.GetFileName(file), ContentTypes.Of(file), Convert.ToBase64String(await File.ReadAllBytesAsync(file, i.Cancel))));
        return uploads;
    }

    private static async Task<int> Inbox(Invocation i)
    {
        var after = i.Args.Flag("--after");
        var messages = await i.Node.GetAsync<InboxMessage[]>("api/messages/inbox" + (after is null ? "" : "?after=" + Uri.EscapeDataString(after)), i.Cancel);
        i.Out.Result(messages, all => Table.Render(
            ["ID", "FROM", "HANDLING", "SENT", "SUBJECT", "BODY", "FILES"],
            all.Select(m => new[] { m.Id, m.From, m.HandlingCode, Table.Time(m.SentAt), m.Unreadable is null ? m.Subject : "(cannot be opened here)",
                m.Unreadable ?? (m.Body.Length > 60 ? m.Body[..57] + "..." : m.Body),
                (m.Attachments?.Count ?? 0).ToString() })));
        return CliApp.Success;
    }

    /// <summary>The inbox as it fills: the node's full message feed, one line (or JSON object) a message.</summary>
    private static Task<int> Follow(Invocation i)
    {
        var after = i.Args.Flag("--after");
        return FollowUntilInterrupted(i, "api/events?messages=full" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), "message", data =>
        {
            if (JsonSerializer.Deserialize<InboxMessage>(data, NodeClient.Json) is not { } m)
                return;
            if (i.Out.Json)
                i.Out.WriteJsonLine(m);
            else
                i.Out.Line(string.Join(" | ", Table.Time(m.SentAt), m.From, m.HandlingCode, m.Id,
                    m.Unreadable is null ? $"{m.Subject}: {m.Body}" : "cannot be opened here: " + m.Unreadable));
        });
    }

    /// <summary>An id names a message this bureau sent, received, or (sent to itself) both: show whichever the node has.</summary>
    private static async Task<int> Show(Invocation i)
    {
        var id = Uri.EscapeDataString(i.Args[0]);
        var sent = await OrNotFound(() => i.Node.GetAsync<MessageStatusInfo>("api/messages/" + id, i.Cancel));
        var received = await OrNotFound(() => i.Node.GetAsync<InboxMessage>("api/messages/inbox/" + id, i.Cancel));
        if (sent is null && received is null)
            throw new NodeRefusedException(404, $"No message {i.Args[0]} was sent from or received by this bureau");
        if (i.Out.Json)
        {
            i.Out.WriteJson(new { sent, received });
            return CliApp.Success;
        }
        if (sent is not null)
            i.Out.Lines(Table.Render(["RECIPIENT", "STATE"], sent.Recipients.Select(r => new[] { r.Key, r.Value })));
        if (received is not null)
        {
            i.Out.Lines(Table.Fields(("From", received.From), ("Sent", Table.Time(received.SentAt)), ("Handling", received.HandlingCode),
                ("Case", received.CaseId), ("Subject", received.Subject)));
            i.Out.Lines(["", received.Unreadable is null ? received.Body : "This node cannot open the message: " + received.Unreadable]);
            if (received.Attachments is { Count: > 0 } attachments)
                i.Out.Lines(["", .. Table.Render(["#", "NAME", "TYPE", "SIZE"],
                    attachments.Select(a => new[] { a.Index.ToString(), a.Name, a.ContentType, a.Size.ToString() }))]);
        }
        return CliApp.Success;
    }

    private static async Task<int> SaveAttachment(Invocation i)
    {
        if (!int.TryParse(i.Args[1], out var index) || index < 0)
            throw new UsageException($"N '{i.Args[1]}' is not an attachment number: they count from 0, as message show lists them", i.Usage);
        var file = Path.GetFullPath(i.Args.Flag("--out")!);
        var (content, contentType) = await i.Node.DownloadAsync($"api/messages/{Uri.EscapeDataString(i.Args[0])}/attachments/{index}", i.Cancel);
        await File.WriteAllBytesAsync(file, content, i.Cancel);
        i.Out.Result(new { file, contentType, size = content.Length }, r => [$"Saved {r.size} bytes ({r.contentType}) to {r.file}"]);
        return CliApp.Success;
    }

    private static async Task<T?> OrNotFound<T>(Func<Task<T>> get) where T : class
    {
        try
        {
            return await get();
        }
        catch (NodeRefusedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}

/// <summary>A file's content type from its extension, for the few kinds bureaus exchange; anything else is application/octet-stream.</summary>
internal static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf", [".txt"] = "text/plain", [".csv"] = "text/csv", [".json"] = "application/json",
        [".xml"] = "application/xml", [".zip"] = "application/zip", [".png"] = "image/png", [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".tif"] = "image/tiff", [".tiff"] = "image/tiff",
        [".doc"] = "application/msword", [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    };

    public static string Of(string file) => ByExtension.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
}
