using ActorNet.Cli.Output;
using ActorNet.Protocol.Audit;

namespace ActorNet.Cli.Palettes;

/// <summary>The node's hash-chained audit log.</summary>
public sealed class AuditPalette : Palette
{
    public override string Name => "audit";

    public override string Summary => "the node's hash-chained audit log";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "verify", "re-read the audit log from the database and check its chain (admin); exit 1 if broken", Verify),
        new(Name, "list", "recent audit entries (admin)", List, Flags: [new Flag("--after", "SEQ")]),
    ];

    private static async Task<int> Verify(Invocation i)
    {
        var result = await i.Node.GetAsync<AuditQueries.Verification>("api/audit/verify", i.Cancel);
        i.Out.Result(result, r => [r.Intact
            ? $"Audit log intact: {r.EntriesChecked} entries checked."
            : $"Audit log BROKEN at entry {r.FirstBadSequence}: {r.Problem}"]);
        return result.Intact ? CliApp.Success : CliApp.Refused;
    }

    private static async Task<int> List(Invocation i)
    {
        var after = i.Args.Flag("--after");
        if (after is not null && !long.TryParse(after, out _))
            throw new UsageException($"--after '{after}' is not an entry number: write actornet audit list --after 120", i.Usage);
        var entries = await i.Node.GetAsync<AuditEntry[]>($"api/audit?after={after ?? "0"}&limit=1000", i.Cancel);
        i.Out.Result(entries, all => Table.Render(
            ["SEQ", "AT", "KIND", "MESSAGE", "PEER", "DETAIL"],
            all.Select(e => new[] { e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), Table.Time(e.At), e.Kind, e.MessageId ?? Several(e.MessageIds), e.Peer ?? "-", e.Detail })));
        return CliApp.Success;
    }

    /// <summary>An entry about several messages shows the first and how many more (the JSON output has them all).</summary>
    private static string Several(IReadOnlyList<string>? ids) => ids switch
    {
        null or [] => "-",
        [var one] => one,
        _ => $"{ids[0]} +{ids.Count - 1}",
    };
}
