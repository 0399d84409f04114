using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>Bearer tokens for this node's HTTP API.</summary>
public sealed class TokenPalette : Palette
{
    public override string Name => "token";

    public override string Summary => "bearer tokens for this node";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "create", $"a new bearer token for this node (admin); ROLE is one of {string.Join(", ", Roles.All)}", Create,
            Flags: [new Flag("--role", "ROLE", Required: true)]),
    ];

    private static async Task<int> Create(Invocation i)
    {
        var role = i.Args.Flag("--role")!;
        // Checked here too so a typo costs no round trip and gets the usage line.
        if (!Roles.All.Contains(role))
            throw new UsageException($"--role '{role}' is not a role: write --role {string.Join("|", Roles.All)}", i.Usage);
        var created = await i.Node.PostAsync<TokenCreated>("api/tokens", new TokenRequest(role), i.Cancel);
        i.Out.Result(created, t => Table.Fields(
            ("Id", t.Id), ("Role", t.Role), ("Created", Table.Time(t.CreatedAt)), ("Token", t.Token)));
        return CliApp.Success;
    }
}
