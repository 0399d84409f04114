using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorNet.Actors.Cluster;

/// <summary>
/// Warns once when this node has been Up for <c>patience</c> and no member of a role whose singletons it uses is Up (a
/// bureau node and the Secretariat's directory), and says so again when one is. It stands in for Akka's own warning from
/// each singleton proxy, switched off in <c>config/actornet.hocon</c>: Akka 1.5.73 logs that one the moment a proxy
/// starts or its oldest member changes, "after 30 seconds" or not, so every start-up printed a handful of false alarms.
/// </summary>
public sealed class SingletonRoleWatchActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IReadOnlyDictionary<string, string[]> _singletonsByRole;
    private readonly TimeSpan _patience;
    private readonly HashSet<Member> _up = [];
    private readonly HashSet<string> _warned = [];
    private bool _selfUp;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="singletons">The singletons this node uses, each with the role it runs on.</param>
    public SingletonRoleWatchActor(IReadOnlyList<(string Singleton, string Role)> singletons, TimeSpan patience)
    {
        _singletonsByRole = singletons.GroupBy(s => s.Role).ToDictionary(g => g.Key, g => g.Select(s => s.Singleton).ToArray());
        _patience = patience;
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _up.UnionWith(state.Members.Where(m => m.Status == MemberStatus.Up));
            Review();
        });
        Receive<ClusterEvent.MemberUp>(up =>
        {
            _up.Add(up.Member);
            Review();
        });
        Receive<ClusterEvent.IMemberEvent>(change =>
        {
            _up.Remove(change.Member);
            Review();
        });
        Receive<Missing>(missing =>
        {
            if (!_selfUp || HasUpMember(missing.Role) || !_warned.Add(missing.Role))
                return;
            _log.Warning("No member with role {Role} has been Up for {Seconds} s: this node cannot reach the {Singletons} singleton(s) "
                + "until one joins (a GS node for role secretariat); what it asks of them waits", missing.Role, _patience.TotalSeconds,
                string.Join(", ", _singletonsByRole[missing.Role]));
        });
    }

    public static Props Props(IReadOnlyList<(string Singleton, string Role)> singletons, TimeSpan patience) =>
        Akka.Actor.Props.Create(() => new SingletonRoleWatchActor(singletons, patience));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private bool HasUpMember(string role) => _up.Any(m => m.HasRole(role));

    // The wait starts once this node is Up: before that no member is known, and the start-up is not an outage.
    private void Review()
    {
        _selfUp = _up.Any(m => m.UniqueAddress.Equals(_cluster.SelfUniqueAddress));
        foreach (var role in _singletonsByRole.Keys)
        {
            if (_selfUp && !HasUpMember(role))
            {
                if (!_warned.Contains(role) && !Timers.IsTimerActive(role))
                    Timers.StartSingleTimer(role, new Missing(role), _patience);
                continue;
            }
            Timers.Cancel(role);
            if (HasUpMember(role) && _warned.Remove(role))
                _log.Info("A member with role {Role} is Up again: the {Singletons} singleton(s) can be reached", role,
                    string.Join(", ", _singletonsByRole[role]));
        }
    }

    private sealed record Missing(string Role);
}
