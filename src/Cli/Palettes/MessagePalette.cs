using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>Sealed bureau-to-bureau messages: send from this node's bureau, read its inbox, follow one's delivery.</summary>
public sealed class MessagePalette : Palette
{
    public override string Name => "message";

    public override string Summary => "sealed messages from and to this node's bureau";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "send", "seal and send a message (officer); --to takes bureau codes separated by commas", Send,
            Flags: [new Flag("--to", "US,DE", Required: true), new Flag("--subject", "S"), new Flag("--body", "B", Required: true),
                new Flag("--handling", "H0|H1|H2|H3"), new Flag("--case", "ID")]),
        new(Name, "inbox", "messages received, oldest first (officer); marks them read", Inbox, Flags: [new Flag("--after", "ID")]),
        new(Name, "show", "one sent message and each recipient's state (officer)", Show, Arguments: ["ID"]),
    ];

    private static async Task<int> Send(Invocation i)
    {
        var to = i.Args.Flag("--to")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (to.Length == 0)
            throw new UsageException("--to names no bureau: write --to US or --to US,DE", i.Usage);
        var accepted = await i.Node.PostAsync<MessageAccepted>("api/messages",
            new SendMessageRequest(to, i.Args.Flag("--subject") ?? "", i.Args.Flag("--body"), i.Args.Flag("--handling") ?? "H0", i.Args.Flag("--case"), null), i.Cancel);
        i.Out.Result(accepted, a => [$"Queued: {a.Id}"]);
        return CliApp.Success;
    }

    private static async Task<int> Inbox(Invocation i)
    {
        var after = i.Args.Flag("--after");
        var messages = await i.Node.GetAsync<InboxMessage[]>("api/messages/inbox" + (after is null ? "" : "?after=" + Uri.EscapeDataString(after)), i.Cancel);
        i.Out.Result(messages, all => Table.Render(
            ["ID", "FROM", "HANDLING", "SENT", "SUBJECT", "BODY"],
            all.Select(m => new[] { m.Id, m.From, m.HandlingCode, Table.Time(m.SentAt), m.Subject, m.Body.Length > 60 ? m.Body[..57] + "..." : m.Body })));
        return CliApp.Success;
    }

    private static async Task<int> Show(Invocation i)
    {
        var id = i.Args[0];
        var status = await i.Node.GetAsync<MessageStatusInfo>("api/messages/" + Uri.EscapeDataString(id), i.Cancel);
        i.Out.Result(status, s => Table.Render(["RECIPIENT", "STATE"], s.Recipients.Select(r => new[] { r.Key, r.Value })));
        return CliApp.Success;
    }
}
