using ActorNet.Actors.Messaging.Bulk;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorNet.Node.Api;

/// <summary>What pbm's <c>actor hierarchy</c> and <c>sharding region-stats</c> show, for operators (admin only).</summary>
public static class DiagnosticsEndpoints
{
    private const int MaxDepth = 16;
    private const int MaxChildrenShown = 200;

    public static void MapDiagnosticsEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api").RequireAuthorization(p => p.RequireRole(Roles.Admin));

        admin.MapGet("/actors", (ActorSystem system, string? path, int? depth) =>
        {
            var levels = depth ?? 4;
            if (levels is < 1 or > MaxDepth)
                return Problems.Result(400, $"depth must be 1 to {MaxDepth}, not {levels}: write ?depth=4");
            var start = string.IsNullOrWhiteSpace(path) ? "/user" : path.Trim();
            if (!start.StartsWith('/'))
                return Problems.Result(400, $"path '{start}' is not an actor path: write one from the root, e.g. /user or /system");
            var root = Find(((ExtendedActorSystem)system).Provider.RootGuardian, start);
            return root is null
                ? Problems.Result(404, $"No actor at {start} on this node: start from /user or /system and go down with actornet actor hierarchy")
                : Results.Ok(Describe(root, levels));
        });

        // The bulk channel for envelopes beside Akka.Remote: where it listens, what it took and sent, which links are up.
        admin.MapGet("/transport", (ActorSystem system) => Results.Ok(new TransportInfo(BulkChannel.Of(system)?.Status())));

        admin.MapGet("/sharding", (ActorSystem system) => Results.Ok(ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal).ToArray()));

        admin.MapGet("/sharding/{region}/stats", async (string region, ActorSystem system) =>
        {
            var sharding = ClusterSharding.Get(system);
            if (!sharding.ShardTypeNames.Contains(region))
                return Problems.Result(404, sharding.ShardTypeNames.Count == 0
                    ? $"No shard region '{region}' on this node: it hosts none; ask a GS node (the notice region lives on the secretariat role)"
                    : $"No shard region '{region}' on this node: it has {string.Join(", ", sharding.ShardTypeNames.Order(StringComparer.Ordinal))}");
            var timeout = TimeSpan.FromSeconds(5);
            var stats = await sharding.ShardRegion(region).Ask<ClusterShardingStats>(new GetClusterShardingStats(timeout), timeout + TimeSpan.FromSeconds(1));
            return Results.Ok(new ShardRegionStatsInfo(region, stats.Regions
                .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
                .Select(r => new ShardRegionNodeStats(r.Key.ToString(),
                    new SortedDictionary<string, int>(r.Value.Stats.ToDictionary(s => s.Key, s => s.Value), StringComparer.Ordinal),
                    r.Value.Failed.Order(StringComparer.Ordinal).ToArray()))
                .ToArray()));
        });
    }

    // Local actors only, read from their cells: the same walk pbm's hierarchy does, without messaging every actor.
    private static IActorRef? Find(IActorRef root, string path)
    {
        var current = root;
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not ActorRefWithCell cell || cell.GetSingleChild(name) is not { } child || child.IsNobody())
                return null;
            current = child;
        }
        return current;
    }

    private static ActorNodeInfo Describe(IActorRef actor, int depth)
    {
        var path = actor.Path.ToStringWithoutAddress();
        if (actor is not ActorRefWithCell cell)
            return new ActorNodeInfo(path, [], false);
        var children = cell.Children.OrderBy(c => c.Path.Name, StringComparer.Ordinal).ToList();
        if (depth <= 1)
            return new ActorNodeInfo(path, [], children.Count > 0);
        return new ActorNodeInfo(path, children.Take(MaxChildrenShown).Select(c => Describe(c, depth - 1)).ToArray(), children.Count > MaxChildrenShown);
    }
}
