using ActorNet.Actors.Cluster;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Directory;

/// <summary>
/// This node's own copy of the Secretariat's directory, persisted, so a bureau still knows its peers while GS is unreachable
/// or after a restart without GS. Who is online comes from this node's own view of the cluster, never from a stale copy.
/// </summary>
public sealed class DirectoryReplicaActor : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan AskInterval = TimeSpan.FromSeconds(3);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _directory;
    private readonly BureauPresence _presence = new();
    private readonly Dictionary<BureauCode, DateTimeOffset> _seenLocally = new();
    private DirectoryQueries.DirectoryView _copy = new([], DateTimeOffset.MinValue);
    private readonly PublicKeyDirectory? _keys;
    private bool _heardFromDirectory;

    public DirectoryReplicaActor(string nodeId, IActorRef directory, PublicKeyDirectory? keys = null)
    {
        _directory = directory;
        _keys = keys;
        PersistenceId = "directory-replica-" + nodeId;

        Recover<DirectoryQueries.DirectoryView>(view => _copy = view);
        Recover<SnapshotOffer>(offer => _copy = (DirectoryQueries.DirectoryView)offer.Snapshot);
        Recover<RecoveryCompleted>(_ =>
        {
            PublishKeys(_copy);
            _log.Info("Directory copy recovered with {BureauCount} bureaus", _copy.Entries.Count);
        });

        Command<DirectoryQueries.DirectoryView>(OnView);
        Command<DirectoryQueries.GetDirectory>(_ => Sender.Tell(Merged()));
        Command<ClusterEvent.IClusterDomainEvent>(e =>
        {
            if (_presence.Observe(e) is { Online: true } change)
                _seenLocally.TryAdd(change.Bureau, DateTimeOffset.UtcNow);
        });
        Command<AskDirectory>(_ =>
        {
            if (_heardFromDirectory) Timers.Cancel("ask");
            else _directory.Tell(DirectoryQueries.GetDirectory.Instance);
        });
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Directory copy snapshot failed"));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "Deleting old directory copies failed"));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string nodeId, IActorRef directory, PublicKeyDirectory? keys = null) =>
        Akka.Actor.Props.Create(() => new DirectoryReplicaActor(nodeId, directory, keys));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("ask", AskDirectory.Instance, TimeSpan.FromMilliseconds(200), AskInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnView(DirectoryQueries.DirectoryView view)
    {
        _heardFromDirectory = true;
        if (SameListings(view, _copy))
            return;
        Persist(view, v =>
        {
            _copy = v;
            PublishKeys(v);
            _log.Debug("Directory copy updated: {BureauCount} bureaus", v.Entries.Count);
            if (LastSequenceNr % 100 == 0)
                SaveSnapshot(v);
        });
    }

    /// <summary>Hands every enrolled key version to the node's sealer and opener.</summary>
    private void PublishKeys(DirectoryQueries.DirectoryView view)
    {
        if (_keys is null)
            return;
        foreach (var keys in view.Entries.SelectMany(e => e.Keys))
        {
            try
            {
                _keys.Add(keys);
            }
            catch (InvalidOperationException e)
            {
                _log.Warning("Directory lists a changed key for {Bureau}, refused: {Problem}", keys.Bureau, e.Message);
            }
        }
    }

    /// <summary>The copy, with who is online as this node sees it, and bureaus seen here that GS has not listed yet.</summary>
    private DirectoryQueries.DirectoryView Merged()
    {
        var online = _presence.Online;
        var entries = _copy.Entries.Select(e => e with { Online = online.Contains(e.Bureau) }).ToList();
        foreach (var (bureau, since) in _seenLocally)
            if (entries.All(e => !e.Bureau.Equals(bureau)))
                entries.Add(new DirectoryEntry(bureau, since, since, null, online.Contains(bureau)));
        return new DirectoryQueries.DirectoryView(entries.OrderBy(e => e.Bureau).ToArray(), DateTimeOffset.UtcNow);
    }

    private static bool SameListings(DirectoryQueries.DirectoryView a, DirectoryQueries.DirectoryView b) =>
        a.Entries.Select(e => e with { Online = false }).SequenceEqual(b.Entries.Select(e => e with { Online = false }));

    private sealed class AskDirectory : INoSerializationVerificationNeeded
    {
        public static readonly AskDirectory Instance = new();
    }
}
