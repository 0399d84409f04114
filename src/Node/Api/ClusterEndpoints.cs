using System.Net.ServerSentEvents;
using System.Threading.Channels;
using ActorNet.Actors.Cluster;
using ActorNet.Actors.Hosting;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using Akka.Actor;
using Akka.Cluster;

namespace ActorNet.Node.Api;

/// <summary>Membership and its management: what <c>actornet cluster ...</c> calls, after Petabridge's pbm.</summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cluster").RequireAuthorization();
        var admin = app.MapGroup("/api/cluster").RequireAuthorization(p => p.RequireRole(Roles.Admin));

        api.MapGet("/members", (ActorSystem system) => Members(Akka.Cluster.Cluster.Get(system)));
        api.MapGet("/self", (ActorSystem system) =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            return Members(cluster).FirstOrDefault(m => m.IsSelf) ?? Describe(cluster, cluster.SelfMember);
        });
        api.MapGet("/leader", (ActorSystem system) =>
            Members(Akka.Cluster.Cluster.Get(system)).FirstOrDefault(m => m.IsLeader) is { } leader
                ? Results.Ok(leader)
                : Problems.Result(404, "The cluster has no leader right now: members are still joining or unreachable"));

        admin.MapPost("/leave", (AddressRequest request, ActorSystem system) =>
            WithMember(system, request, (cluster, address) => cluster.Leave(address)));
        admin.MapPost("/down", (AddressRequest request, ActorSystem system) =>
            WithMember(system, request, (cluster, address) => cluster.Down(address)));
        admin.MapPost("/join", (AddressRequest request, ActorSystem system) =>
        {
            if (!TryParseAddress(system, request.Address, out var address, out var problem))
                return problem!;
            Akka.Cluster.Cluster.Get(system).Join(address!);
            return Results.Accepted(value: new AcceptedResponse("joining", address!.ToString()));
        });
        admin.MapPost("/down-unreachable", (ActorSystem system) =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToList();
            foreach (var address in unreachable)
                cluster.Down(address);
            return Results.Accepted(value: unreachable.Select(a => a.ToString()).ToArray());
        });

        api.MapGet("/events", (ActorSystem system, CancellationToken ct) =>
            TypedResults.ServerSentEvents(Follow(system, ct)));
    }

    public static IReadOnlyList<MemberInfo> Members(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        return state.Members.Union(state.Unreachable)
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => Describe(cluster, m))
            .ToList();
    }

    private static MemberInfo Describe(Akka.Cluster.Cluster cluster, Member m) => new(
        m.Address.ToString(),
        m.Status.ToString(),
        m.Roles.OrderBy(r => r is "ncb" or "secretariat" or "lighthouse" ? 0 : 1).ThenBy(r => r, StringComparer.Ordinal).ToArray(),
        BureauPresence.BureauOf(m)?.Value,
        !cluster.State.Unreachable.Contains(m),
        m.AppVersion.ToString(),
        m.Address.Equals(cluster.State.Leader),
        m.Address.Equals(cluster.SelfAddress));

    private static IResult WithMember(ActorSystem system, AddressRequest request, Action<Akka.Cluster.Cluster, Address> act)
    {
        if (!TryParseAddress(system, request.Address, out var address, out var problem))
            return problem!;
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        if (!state.Members.Union(state.Unreachable).Any(m => m.Address.Equals(address)))
            return Problems.Result(404, $"{address} is not a member of this cluster: list members with actornet cluster show");
        act(cluster, address!);
        return Results.Accepted(value: new AcceptedResponse("accepted", address!.ToString()));
    }

    /// <summary>
    /// Accepts a full address (akka.ssl.tcp://actornet@host:port with TLS, akka.tcp://... with --insecure) or host:port,
    /// which takes this node's own scheme: the cluster runs one transport, and an address in the other names nobody.
    /// </summary>
    private static bool TryParseAddress(ActorSystem system, string? text, out Address? address, out IResult? problem)
    {
        address = null;
        problem = null;
        var scheme = Akka.Cluster.Cluster.Get(system).SelfAddress.Protocol;
        var example = $"{scheme}://{ActorNetHosting.SystemName}@HOST:PORT";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = Problems.Result(400, $"\"address\" is required, for example {scheme}://{ActorNetHosting.SystemName}@127.0.0.1:4061");
            return false;
        }
        var full = text.Contains("://", StringComparison.Ordinal) ? text : $"{scheme}://{ActorNetHosting.SystemName}@{text}";
        try
        {
            address = Address.Parse(full);
            if (address.Host is null || address.Port is null)
                throw new UriFormatException("no host or port");
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            problem = Problems.Result(400, $"'{text}' is not a cluster address: write {example}");
            return false;
        }
        if (address.Protocol != scheme)
        {
            problem = Problems.Result(400, $"'{text}' uses {address.Protocol}, but this cluster runs {scheme}: write {example}");
            address = null;
            return false;
        }
        return true;
    }

    private static async IAsyncEnumerable<SseItem<ClusterEventInfo>> Follow(
        ActorSystem system, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<ClusterEventInfo>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        var forwarder = system.ActorOf(ClusterEventsForwarder.Props(channel.Writer));
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(ct))
                yield return new SseItem<ClusterEventInfo>(e, "member");
        }
        finally
        {
            forwarder.Tell(PoisonPill.Instance);
        }
    }
}
