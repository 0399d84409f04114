using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>Notices and diffusions as this node's bureau holds them; reviewing and cancelling them.</summary>
public sealed class NoticePalette : Palette
{
    private static readonly string[] Decisions = ["approve", "reject"];

    public override string Name => "notice";

    public override string Summary => "notices and diffusions this bureau holds; GS reviews them";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "list", "notices and diffusions this bureau may see, newest first (officer)", List,
            Flags: [new Flag("--type", "T"), new Flag("--state", "S"), new Flag("--q", "NAME")]),
        new(Name, "show", "one notice: its subject, what it rests on, its state (and on GS its findings and history)", Show, Arguments: ["ID"]),
        new(Name, "review", "approve or reject a notice pending review, with a reason (reviewer, on a GS node)", Review,
            Arguments: ["ID", "approve|reject"], Flags: [new Flag("--reason", "R", Required: true)]),
        new(Name, "cancel", "cancel a notice (its requesting bureau or GS)", Cancel, Arguments: ["ID"], Flags: [new Flag("--reason", "R")]),
    ];

    private static async Task<int> List(Invocation i)
    {
        var query = new List<string>();
        foreach (var (flag, name) in new[] { ("--type", "type"), ("--state", "state"), ("--q", "q") })
            if (i.Args.Flag(flag) is { } value)
                query.Add($"{name}={Uri.EscapeDataString(value)}");
        var notices = await i.Node.GetAsync<NoticeSummaryInfo[]>("api/notices" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), i.Cancel);
        i.Out.Result(notices, all => Table.Render(
            ["ID", "KIND", "TYPE", "STATE", "FROM", "NAME", "BORN", "NATIONALITIES", "UPDATED"],
            all.Select(n => new[]
            {
                n.Id, n.Kind, n.Type, n.State, n.RequestedBy, string.Join(' ', new[] { n.Forename, n.Name }.Where(s => s is not null)) is { Length: > 0 } name ? name : "-",
                n.DateOfBirth ?? "-", n.Nationalities.Count == 0 ? "-" : string.Join(',', n.Nationalities), Table.Time(n.UpdatedAt),
            })));
        return CliApp.Success;
    }

    private static async Task<int> Show(Invocation i)
    {
        var notice = await i.Node.GetAsync<NoticeInfo>("api/notices/" + Uri.EscapeDataString(i.Args[0]), i.Cancel);
        i.Out.Result(notice, n =>
        {
            var s = n.Subject;
            var lines = Table.Fields(
                ("Id", n.Id), ("Kind", n.Kind), ("Type", n.Type), ("State", n.State), ("Requested by", n.RequestedBy),
                ("Name", s.Name), ("Forename", s.Forename), ("Aliases", Join(s.Aliases)), ("Original script", Join(s.OriginalScriptNames)),
                ("Born", s.DateOfBirth), ("Sex", s.Sex), ("Nationalities", Join(s.Nationalities)), ("Place of birth", s.PlaceOfBirth),
                ("Description", s.Description), ("Offence", n.Offence),
                ("Warrant", n.Warrant is { } w ? $"{w.IssuedBy}, {w.Date}: {w.Charge}{(w.ExpiresOn is null ? "" : $" (expires {w.ExpiresOn})")}" : null),
                ("Details", n.Details), ("UN sanctions", n.SanctionsReference), ("Restricted from", Join(n.RestrictedFrom)), ("To", Join(n.To)),
                ("Reason", n.Reason), ("Updated", Table.Time(n.UpdatedAt))).ToList();
            foreach (var f in n.Findings ?? [])
                lines.Add($"Finding: {f.Code} on {f.Field}: {f.Detail}");
            foreach (var h in n.History ?? [])
                lines.Add($"History: {Table.Time(h.At)} {h.What} by {h.By}{(h.Reason is null ? "" : ": " + h.Reason)}");
            return lines;
        });
        return CliApp.Success;
    }

    private static async Task<int> Review(Invocation i)
    {
        var decision = i.Args[1].Trim().ToLowerInvariant();
        if (!Decisions.Contains(decision))
            throw new UsageException($"'{i.Args[1]}' is not a decision: write approve or reject", i.Usage);
        var result = await i.Node.PostAsync<NoticeDecision>($"api/notices/{Uri.EscapeDataString(i.Args[0])}/review",
            new ReviewRequest(decision, i.Args.Flag("--reason")), i.Cancel);
        i.Out.Result(result, d => [$"Notice {d.Id} is {d.State}"]);
        return CliApp.Success;
    }

    private static async Task<int> Cancel(Invocation i)
    {
        var result = await i.Node.PostAsync<NoticeDecision>($"api/notices/{Uri.EscapeDataString(i.Args[0])}/cancel",
            new CancelRequest(i.Args.Flag("--reason")), i.Cancel);
        i.Out.Result(result, d => [$"Notice {d.Id} is {d.State}"]);
        return CliApp.Success;
    }

    private static string? Join(IReadOnlyList<string>? values) => values is { Count: > 0 } ? string.Join(", ", values) : null;
}
