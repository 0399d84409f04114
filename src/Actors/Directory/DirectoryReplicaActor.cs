using ActorNet.Actors.Cluster;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using ActorNet.Protocol.Serialization;
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
    private readonly DirectoryTrust _trust;
    private readonly IActorRef _audit;
    private readonly BureauCode? _self;
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private bool _heardFromDirectory;

    /// <param name="keys">Where the keys this node trusts go: only those of approved bureaus whose GS signature checks out.</param>
    /// <param name="trust">How GS's signatures are checked: against the network CA, or not at all on an --insecure network.</param>
    /// <param name="audit">This node's audit log, for refused entries and this bureau's own approval.</param>
    /// <param name="self">This node's bureau.</param>
    public DirectoryReplicaActor(string nodeId, IActorRef directory, PublicKeyDirectory? keys = null, DirectoryTrust? trust = null,
        IActorRef? audit = null, BureauCode? self = null)
    {
        _directory = directory;
        _keys = keys;
        _trust = trust ?? DirectoryTrust.Unsigned;
        _audit = audit ?? ActorRefs.Nobody;
        _self = self;
        PersistenceId = "directory-replica-" + nodeId;

        Recover<DirectoryQueries.DirectoryView>(view => _copy = view);
        Recover<SnapshotOffer>(offer => _copy = (DirectoryQueries.DirectoryView)offer.Snapshot);
        Recover<RecoveryCompleted>(_ =>
        {
            PublishKeys(_copy, _copy);
            _log.Info("Directory copy recovered with {BureauCount} bureaus", _copy.Entries.Count);
        });

        Command<DirectoryQueries.DirectoryView>(OnView);
        Command<DirectoryQueries.GetDirectory>(_ => Sender.Tell(Merged()));
        Command<ClusterEvent.IClusterDomainEvent>(e =>
        {
            foreach (var change in _presence.Observe(e).Where(c => c.Online))
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

    public static Props Props(string nodeId, IActorRef directory, PublicKeyDirectory? keys = null, DirectoryTrust? trust = null,
        IActorRef? audit = null, BureauCode? self = null) =>
        Akka.Actor.Props.Create(() => new DirectoryReplicaActor(nodeId, directory, keys, trust, audit, self));

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
            var before = _copy;
            _copy = v;
            PublishKeys(v, before);
            _log.Debug("Directory copy updated: {BureauCount} bureaus", v.Entries.Count);
            if (LastSequenceNr % 100 == 0)
                SaveSnapshot(v);
        });
    }

    /// <summary>
    /// Hands the node's sealer and opener every key version of an approved bureau whose GS endorsement checks out.
    /// A pending bureau's keys are held back; an entry whose endorsement fails is refused, logged and audited once, and never used.
    /// </summary>
    private void PublishKeys(DirectoryQueries.DirectoryView view, DirectoryQueries.DirectoryView before)
    {
        foreach (var entry in view.Entries.Where(e => e.Keys.Count > 0))
        {
            if (!entry.IsApproved)
            {
                _keys?.Withhold(entry.Bureau, $"awaits approval by the Secretariat: an operator approves it with actornet bureau approve {entry.Bureau} on a GS node");
                continue;
            }
            foreach (var keys in entry.Keys)
            {
                if (entry.EndorsementOf(keys.Version) is not { } endorsement)
                    continue;
                var verdict = _trust.Check(keys, endorsement);
                if (verdict.Trusted)
                    Trust(keys);
                else
                    Refuse(keys, endorsement, verdict.Reason);
            }
            if (entry.Bureau.Equals(_self) && before.Entries.FirstOrDefault(e => e.Bureau.Equals(_self)) is not { IsApproved: true })
            {
                _log.Info("This bureau {Bureau} is approved by the Secretariat", entry.Bureau);
                _audit.Tell(new AuditCommands.Record(AuditKinds.BureauApproved, null, entry.Bureau.Value,
                    $"approved by the Secretariat at {entry.ApprovedAt:O}: key version {entry.LatestKeys?.Version} ({entry.Fingerprint})"));
            }
        }
    }

    private void Trust(BureauPublicKeys keys)
    {
        try
        {
            _keys?.Add(keys);
        }
        catch (InvalidOperationException e)
        {
            _log.Warning("Directory lists a changed key for {Bureau}, refused: {Problem}", keys.Bureau, e.Message);
        }
    }

    private void Refuse(BureauPublicKeys keys, KeyEndorsement endorsement, string reason)
    {
        _keys?.Withhold(keys.Bureau, $"has a directory entry this node refused: {reason}");
        if (!_refused.Add(endorsement.Digest(keys)))
            return;
        _log.Warning("Directory entry of {Bureau} key version {KeyVersion} ({Fingerprint}) refused, its keys are not used: {Reason}",
            keys.Bureau, keys.Version, keys.Fingerprint, reason);
        _audit.Tell(new AuditCommands.Record(AuditKinds.DirectoryEntryRefused, null, keys.Bureau.Value,
            $"key version {keys.Version} ({keys.Fingerprint}): {reason}"));
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

    /// <summary>Whether two views list the same, byte for byte, apart from who is online and when: keys and signatures compare by content.</summary>
    private static bool SameListings(DirectoryQueries.DirectoryView a, DirectoryQueries.DirectoryView b) =>
        Listing(a).AsSpan().SequenceEqual(Listing(b));

    private static byte[] Listing(DirectoryQueries.DirectoryView view) =>
        WireFormat.Encode(new DirectoryQueries.DirectoryView(view.Entries.Select(e => e with { Online = false }).ToArray(), DateTimeOffset.MinValue));

    private sealed class AskDirectory : INoSerializationVerificationNeeded
    {
        public static readonly AskDirectory Instance = new();
    }
}
