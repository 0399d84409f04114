using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>The node's actor tree, as pbm's <c>actor hierarchy</c> prints it.</summary>
public sealed class ActorPalette : Palette
{
    public override string Name => "actor";

    public override string Summary => "the node's actors, as pbm shows them";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "hierarchy", "the node's actor tree from PATH (default /user), DEPTH levels (default 4) (admin)", Hierarchy,
            Flags: [new Flag("-s", "PATH"), new Flag("-d", "DEPTH")]),
    ];

    private static async Task<int> Hierarchy(Invocation i)
    {
        var path = i.Args.Flag("-s") ?? "/user";
        var depth = i.Args.Flag("-d") ?? "4";
        if (!int.TryParse(depth, out var levels) || levels < 1)
            throw new UsageException($"-d '{depth}' is not a depth: write a whole number from 1, e.g. actornet actor hierarchy -d 3", i.Usage);
        if (!path.StartsWith('/'))
            throw new UsageException($"-s '{path}' is not an actor path: write one from the root, e.g. actornet actor hierarchy -s /user/bureau", i.Usage);
        var tree = await i.Node.GetAsync<ActorNodeInfo>($"api/actors?path={Uri.EscapeDataString(path)}&depth={levels}", i.Cancel);
        i.Out.Result(tree, Lines);
        return CliApp.Success;
    }

    private static IEnumerable<string> Lines(ActorNodeInfo root)
    {
        var lines = new List<string>();
        Walk(root, 0, lines);
        lines.Add($"Count: {lines.Count} actors");
        return lines;
    }

    private static void Walk(ActorNodeInfo actor, int level, List<string> lines)
    {
        lines.Add(new string(' ', level * 2) + actor.Path + (actor.ChildrenCut ? " ..." : ""));
        foreach (var child in actor.Children)
            Walk(child, level + 1, lines);
    }
}
