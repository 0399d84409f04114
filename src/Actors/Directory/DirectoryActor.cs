using ActorNet.Actors.Cluster;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Directory;

/// <summary>
/// The Secretariat's directory of bureaus. A cluster singleton on the <c>secretariat</c> role: it lists every bureau
/// that has joined or enrolled, records when each was last seen, and pushes its view to every node's replica.
/// </summary>
public sealed class DirectoryActor : ReceivePersistentActor, IWithTimers
{
    public const string ReplicaName = "directory-replica";
    private static readonly TimeSpan RepushInterval = TimeSpan.FromSeconds(30);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly BureauPresence _presence = new();
    private DirectoryState _state = DirectoryState.Empty;

    public DirectoryActor()
    {
        Recover<DirectoryEvents.BureauEnrolled>(e => _state = _state.Apply(e));
        Recover<DirectoryEvents.BureauSeen>(e => _state = _state.Apply(e));
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not DirectoryQueries.DirectoryView view)
                return;
            foreach (var entry in view.Entries)
            {
                _state = _state.Apply(new DirectoryEvents.BureauEnrolled(entry.Bureau, entry.Fingerprint, entry.EnrolledAt));
                foreach (var keys in entry.Keys)
                    _state = _state.Apply(new DirectoryEvents.BureauEnrolled(entry.Bureau, entry.Fingerprint, entry.EnrolledAt, keys));
                _state = _state.Apply(new DirectoryEvents.BureauSeen(entry.Bureau, entry.Online, entry.LastSeen));
            }
        });
        Recover<RecoveryCompleted>(_ => _log.Info("Directory recovered with {BureauCount} bureaus", _state.Bureaus.Count));

        Command<ClusterEvent.IClusterDomainEvent>(OnClusterEvent);

        Command<DirectoryCommands.Enrol>(c =>
        {
            var sender = Sender;
            var events = _state.Enrol(c.Bureau, c.Fingerprint, DateTimeOffset.UtcNow, c.Keys);
            if (events.Count == 0)
            {
                sender.Tell(new DirectoryCommands.Enrolled(c.Bureau, _state.Bureaus[c.Bureau].EnrolledAt));
                return;
            }
            PersistAll(events, e =>
            {
                _state = _state.Apply(e);
                _log.Info("Bureau {Bureau} enrolled from {Address}", c.Bureau, c.NodeAddress);
                sender.Tell(new DirectoryCommands.Enrolled(c.Bureau, _state.Bureaus[c.Bureau].EnrolledAt));
                PushToReplicas();
            });
        });

        Command<DirectoryQueries.GetDirectory>(_ => Sender.Tell(View()));
        Command<Repush>(_ => PushToReplicas());
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Directory snapshot failed"));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "Deleting directory events up to the snapshot failed"));
    }

    public override string PersistenceId => "directory";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props() => Akka.Actor.Props.Create(() => new DirectoryActor());

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("repush", Repush.Instance, RepushInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnClusterEvent(ClusterEvent.IClusterDomainEvent e)
    {
        if (e is ClusterEvent.MemberUp up && IsNode(up.Member))
            PushTo(up.Member.Address);

        if (_presence.Observe(e) is not { } change)
            return;

        var now = DateTimeOffset.UtcNow;
        var events = new List<object>(_state.Enrol(change.Bureau, null, now)) { new DirectoryEvents.BureauSeen(change.Bureau, change.Online, now) };
        PersistAll(events, ev =>
        {
            _state = _state.Apply(ev);
            if (ev is DirectoryEvents.BureauSeen seen)
            {
                _log.Info("Bureau {Bureau} is {Presence}", seen.Bureau, seen.Online ? "online" : "offline");
                PushToReplicas();
                if (LastSequenceNr % 200 == 0)
                    SaveSnapshot(_state.ToView(_presence.Online, now));
            }
        });
    }

    private DirectoryQueries.DirectoryView View() => _state.ToView(_presence.Online, DateTimeOffset.UtcNow);

    private void PushToReplicas()
    {
        var view = View();
        foreach (var member in _cluster.State.Members.Where(m => m.Status == MemberStatus.Up && IsNode(m)))
            PushTo(member.Address, view);
    }

    private void PushTo(Address address, DirectoryQueries.DirectoryView? view = null) =>
        Context.ActorSelection(new RootActorPath(address) / "user" / ReplicaName).Tell(view ?? View());

    private static bool IsNode(Member m) => m.HasRole("ncb") || m.HasRole("secretariat");

    private sealed class Repush : INoSerializationVerificationNeeded
    {
        public static readonly Repush Instance = new();
    }
}
