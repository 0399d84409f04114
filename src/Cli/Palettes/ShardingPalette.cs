using ActorNet.Cli.Output;
using ActorNet.Protocol.Api;

namespace ActorNet.Cli.Palettes;

/// <summary>Cluster sharding, as pbm's <c>sharding</c> palette shows it.</summary>
public sealed class ShardingPalette : Palette
{
    public override string Name => "sharding";

    public override string Summary => "sharded entities (notices live in the 'notice' region on GS nodes)";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "regions", "the shard regions this node runs (admin)", Regions),
        new(Name, "region-stats", "shards and entities per node of REGION (admin)", RegionStats, Flags: [new Flag("-r", "REGION", Required: true)]),
    ];

    private static async Task<int> Regions(Invocation i)
    {
        var regions = await i.Node.GetAsync<string[]>("api/sharding", i.Cancel);
        i.Out.Result(regions, r => r.Length == 0 ? ["This node runs no shard region (notices live on GS nodes)"] : r);
        return CliApp.Success;
    }

    private static async Task<int> RegionStats(Invocation i)
    {
        var region = i.Args.Flag("-r")!;
        var stats = await i.Node.GetAsync<ShardRegionStatsInfo>($"api/sharding/{Uri.EscapeDataString(region)}/stats", i.Cancel);
        i.Out.Result(stats, s => Table.Render(["NODE", "SHARDS", "ENTITIES", "FAILED"],
                s.Nodes.Select(n => new[] { n.Address, n.Shards.Count.ToString(), n.Shards.Values.Sum().ToString(), n.Failed.Count == 0 ? "-" : string.Join(",", n.Failed) }))
            .Append($"Count: {s.Nodes.Sum(n => n.Shards.Values.Sum())} entities in {s.Nodes.Sum(n => n.Shards.Count)} shards on {s.Nodes.Count} nodes"));
        return CliApp.Success;
    }
}
