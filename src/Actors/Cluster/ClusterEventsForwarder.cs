using System.Threading.Channels;
using ActorNet.Protocol.Api;
using Akka.Actor;
using Akka.Cluster;

namespace ActorNet.Actors.Cluster;

/// <summary>Copies membership and reachability events into a channel, for a client that follows them (<c>cluster tail</c>).</summary>
public sealed class ClusterEventsForwarder : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    public ClusterEventsForwarder(ChannelWriter<ClusterEventInfo> writer)
    {
        Receive<ClusterEvent.IMemberEvent>(e => writer.TryWrite(Describe(e.GetType().Name, e.Member)));
        Receive<ClusterEvent.UnreachableMember>(e => writer.TryWrite(Describe("MemberUnreachable", e.Member)));
        Receive<ClusterEvent.ReachableMember>(e => writer.TryWrite(Describe("MemberReachable", e.Member)));
    }

    public static Props Props(ChannelWriter<ClusterEventInfo> writer) => Akka.Actor.Props.Create(() => new ClusterEventsForwarder(writer));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private static ClusterEventInfo Describe(string type, Member m) =>
        new(type, m.Address.ToString(), m.Status.ToString(), m.Roles.OrderBy(r => r).ToArray(), DateTimeOffset.UtcNow);
}
