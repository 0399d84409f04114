using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>The directory of bureaus as this node knows it, approving bureaus (on a GS node), and this node's own bureau and keys.</summary>
public sealed class BureauPalette : Palette
{
    public override string Name => "bureau";

    public override string Summary => "the directory of bureaus, enrolment, and this node's own bureau and keys";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "list", "every bureau the directory knows, online or not, pending or approved", List),
        new(Name, "approve", "approve a pending bureau so its keys are trusted (admin, on a GS node)", Approve, Arguments: ["CODE"]),
        new(Name, "rotate-keys", "new keys for this node's bureau, proved by the old ones (admin, on a bureau's node)", RotateKeys),
        new(Name, "show", "this node's own bureau", Show),
        new(Name, "settings", "change this bureau's display name or contact e-mail (admin)", Settings,
            Flags: [new Flag("--display-name", "NAME"), new Flag("--contact-email", "EMAIL")]),
    ];

    private static async Task<int> List(Invocation i)
    {
        var bureaus = await i.Node.GetAsync<BureauInfo[]>("api/bureaus", i.Cancel);
        i.Out.Result(bureaus, all => Table.Render(
            ["CODE", "STATUS", "ONLINE", "ENROLLED", "LAST SEEN", "KEYS", "FINGERPRINT"],
            all.Select(b => new[]
            {
                b.Code, b.Status, b.Online ? "online" : "offline", Table.Time(b.EnrolledAt), Table.Time(b.LastSeen),
                b.KeyVersion is { } v ? "v" + v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-", b.Fingerprint ?? "-",
            })));
        return CliApp.Success;
    }

    private static async Task<int> Approve(Invocation i)
    {
        var code = i.Args[0].Trim();
        var approval = await i.Node.PostAsync<BureauApproval>($"api/bureaus/{Uri.EscapeDataString(code)}/approve", null, i.Cancel);
        i.Out.Result(approval, a =>
        [
            a.AlreadyApproved
                ? $"{a.Code} was already approved on {Table.Time(a.ApprovedAt)}: nothing changed"
                : $"{a.Code} approved: its keys are signed into the directory",
            $"Fingerprint: {a.Fingerprint ?? "-"}",
        ]);
        return CliApp.Success;
    }

    private static async Task<int> RotateKeys(Invocation i)
    {
        // The node waits for GS to list the new keys before it answers (202 if GS is slower): the usual bound on top of that.
        var rotation = await i.Node.PostAsync<KeyRotationInfo>("api/bureau/rotate-keys", null, i.Cancel, KeyRotationInfo.ListingWait + NodeClient.RequestTimeout);
        i.Out.Result(rotation, r =>
        [
            $"{r.Code} keys rotated from version {r.PreviousKeyVersion} to {r.KeyVersion}"
                + (r.Listed ? ": the directory lists them" : ": GS has not listed them yet; the node keeps enrolling them"),
            $"Fingerprint: {r.Fingerprint} (was {r.PreviousFingerprint})",
        ]);
        return CliApp.Success;
    }

    private static async Task<int> Show(Invocation i)
    {
        var profile = await i.Node.GetAsync<BureauProfileInfo>("api/bureau", i.Cancel);
        i.Out.Result(profile, Render);
        return CliApp.Success;
    }

    private static async Task<int> Settings(Invocation i)
    {
        var name = i.Args.Flag("--display-name");
        var email = i.Args.Flag("--contact-email");
        if (name is null && email is null)
            throw new UsageException("Nothing to change: write actornet bureau settings --display-name NAME and/or --contact-email EMAIL",
                i.Usage);
        var profile = await i.Node.PutAsync<BureauProfileInfo>("api/bureau/settings", new BureauSettingsRequest(name, email), i.Cancel);
        i.Out.Result(profile, Render);
        return CliApp.Success;
    }

    private static IEnumerable<string> Render(BureauProfileInfo p) => Table.Fields(
        ("Bureau", p.Code),
        ("Display name", p.DisplayName),
        ("Contact e-mail", p.ContactEmail),
        ("Established", Table.Time(p.EstablishedAt)),
        ("Node starts", p.NodeStarts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Last node start", Table.Time(p.LastNodeStartAt)));
}
