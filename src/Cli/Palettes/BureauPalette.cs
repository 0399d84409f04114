using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>The directory of bureaus as this node knows it, and this node's own bureau.</summary>
public sealed class BureauPalette : Palette
{
    public override string Name => "bureau";

    public override string Summary => "the directory of bureaus and this node's own bureau";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "list", "every bureau the directory knows, online or not", List),
        new(Name, "show", "this node's own bureau", Show),
        new(Name, "settings", "change this bureau's display name or contact e-mail (admin)", Settings,
            Flags: [new Flag("--display-name", "NAME"), new Flag("--contact-email", "EMAIL")]),
    ];

    private static async Task<int> List(Invocation i)
    {
        var bureaus = await i.Node.GetAsync<BureauInfo[]>("api/bureaus", i.Cancel);
        i.Out.Result(bureaus, all => Table.Render(
            ["CODE", "ONLINE", "ENROLLED", "LAST SEEN", "FINGERPRINT"],
            all.Select(b => new[] { b.Code, b.Online ? "online" : "offline", Table.Time(b.EnrolledAt), Table.Time(b.LastSeen), b.Fingerprint ?? "-" })));
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
