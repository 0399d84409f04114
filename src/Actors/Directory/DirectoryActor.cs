using ActorNet.Actors.Audit;
using ActorNet.Actors.Cluster;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Directory;

/// <summary>
/// The Secretariat's directory of bureaus. A cluster singleton on the <c>secretariat</c> role: it lists every bureau
/// that has joined or enrolled, holds new bureaus pending until an operator approves them, signs each approved key
/// version with this GS node's certificate, records when each bureau was last seen, and pushes its view to every node's replica.
/// </summary>
public sealed class DirectoryActor : ReceivePersistentActor, IWithTimers
{
    public const string ReplicaName = "directory-replica";
    private static readonly TimeSpan RepushInterval = TimeSpan.FromSeconds(30);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly BureauPresence _presence = new();
    private readonly DirectorySigner _signer;
    private readonly bool _autoEnrol;
    private readonly IActorRef _audit;
    private DirectoryState _state = DirectoryState.Empty;
    // The last of the directory's journal events that an audit entry records (see NextAuditSource).
    private long _auditedUpTo;

    /// <param name="signer">Signs each approved key version: this GS node's certificate, or unsigned on an --insecure network.</param>
    /// <param name="autoEnrol">Approve new bureaus at once, without an operator (<c>--auto-enrol</c>, development only).</param>
    /// <param name="audit">This GS node's audit log: every enrolment, approval, rotation and refusal goes into it.</param>
    public DirectoryActor(DirectorySigner signer, bool autoEnrol, IActorRef audit)
    {
        _signer = signer;
        _autoEnrol = autoEnrol;
        _audit = audit;

        Recover<DirectoryEvents.BureauEnrolled>(e => _state = _state.Apply(e));
        Recover<DirectoryEvents.BureauSeen>(e => _state = _state.Apply(e));
        Recover<DirectoryEvents.BureauApproved>(e => _state = _state.Apply(e));
        Recover<DirectoryEvents.KeysEndorsed>(e => _state = _state.Apply(e));
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is DirectoryQueries.DirectoryView view)
                _state = view.Entries.SelectMany(DirectoryState.EventsOf).Aggregate(_state, (state, e) => state.Apply(e));
        });
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Directory recovered with {BureauCount} bureaus; entries signed by {Signer}", _state.Bureaus.Count, _signer.Describe());
            // Key changes and approvals the node died before recording in the audit log are recorded now (on a journal of
            // this node's own: GS nodes sharing one hand the directory between them, as they do the Secretariat's outbox).
            _auditedUpTo = LastSequenceNr;
            UnrecordedEventsReader.Ask(Context, _audit, BureauCode.Secretariat, PersistenceId, LastSequenceNr);
        });

        Command<ClusterEvent.IClusterDomainEvent>(OnClusterEvent);
        Command<DirectoryCommands.Enrol>(OnEnrol);
        Command<DirectoryCommands.Approve>(OnApprove);
        Command<DirectoryQueries.GetDirectory>(_ => Sender.Tell(View()));
        Command<AuditQueries.UnrecordedEvents>(unrecorded => UnrecordedEventsReader.ReadAll(Context, Journal, unrecorded));
        Command<UnrecordedEventsReader.Unrecorded>(e => UnrecordedEventsReader.Record(_audit, RecordsFor(e.SequenceNr, e.Event)));
        Command<UnrecordedEventsReader.RangeRead>(range => _audit.Tell(UnrecordedEventsReader.RangeRecord(range)));
        Command<Repush>(_ => PushToReplicas());
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Directory snapshot failed"));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "Deleting directory events up to the snapshot failed"));
    }

    /// <summary>The directory's journal (its persistence id), which the audit log's coverage names too.</summary>
    public const string JournalId = "directory";

    public override string PersistenceId => JournalId;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DirectorySigner signer, bool autoEnrol, IActorRef audit) =>
        Akka.Actor.Props.Create(() => new DirectoryActor(signer, autoEnrol, audit));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("repush", Repush.Instance, RepushInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnEnrol(DirectoryCommands.Enrol c)
    {
        var sender = Sender;
        var now = DateTimeOffset.UtcNow;
        if (c.Keys is null)
        {
            // A node that enrols no keys (an older one) is listed, and never trusted with any.
            PersistListing(c.Bureau, [.. _state.Enrol(c.Bureau, c.Fingerprint, now)], () => sender.Tell(new DirectoryCommands.Enrolled(c.Bureau, _state.Bureaus[c.Bureau].EnrolledAt)));
            return;
        }

        var decision = _state.EnrolKeys(c.Bureau, c.Keys, c.RotationProof, now);
        if (decision.Refusal is { } refusal)
        {
            _log.Warning("Directory refused key version {KeyVersion} of {Bureau} from {Address}: {Reason}", c.Keys.Version, c.Bureau, c.NodeAddress, refusal);
            _audit.Tell(new AuditCommands.Record(AuditKinds.KeyEnrolmentRefused, null, c.Bureau.Value, $"key version {c.Keys.Version} ({c.Keys.Fingerprint}) from {c.NodeAddress}: {refusal}"));
            sender.Tell(new DirectoryCommands.EnrolmentRefused(c.Bureau, c.Keys.Version, refusal));
            return;
        }

        var events = decision.Events.ToList();
        // GS vouches for itself; with --auto-enrol it vouches for everyone (development only, warned at start).
        var approve = !_state.IsApproved(c.Bureau) && !decision.IsRotation && (_autoEnrol || c.Bureau.IsSecretariat);
        if (approve)
            events.Add(new DirectoryEvents.BureauApproved(c.Bureau, now, c.Bureau.IsSecretariat ? "secretariat" : "auto-enrol"));
        PersistListing(c.Bureau, events, () =>
        {
            // Taken only when an entry is made: the events of a write without one are named by the next entry's range.
            var source = decision.Events.Count > 0 || approve ? NextAuditSource() : null;
            if (decision.Events.Count > 0)
            {
                var what = KeyChange(c.Keys, decision.IsRotation) + (decision.IsRotation
                    ? $", proved by version {c.Keys.Version - 1}"
                    : $" from {c.NodeAddress}: {(approve ? "approved at once" : _state.IsApproved(c.Bureau) ? "approved" : "pending approval")}");
                _log.Info("Bureau {Bureau} " + (decision.IsRotation ? "rotated to key version {KeyVersion} ({Fingerprint})" : "enrolled key version {KeyVersion} ({Fingerprint})"),
                    c.Bureau, c.Keys.Version, c.Keys.Fingerprint);
                _audit.Tell(new AuditCommands.Record(decision.IsRotation ? AuditKinds.KeyRotated : AuditKinds.KeyEnrolled, null, c.Bureau.Value, what, Source: source));
            }
            if (approve)
                _audit.Tell(new AuditCommands.Record(AuditKinds.BureauApproved, null, c.Bureau.Value,
                    c.Bureau.IsSecretariat ? "the Secretariat's own keys" : "approved at once: GS runs --auto-enrol (development only)", Source: source));
            sender.Tell(new DirectoryCommands.Enrolled(c.Bureau, _state.Bureaus[c.Bureau].EnrolledAt, c.Keys.Version));
        });
    }

    private void OnApprove(DirectoryCommands.Approve c)
    {
        var sender = Sender;
        var decision = _state.Approve(c.Bureau, DateTimeOffset.UtcNow, c.By);
        if (decision.Refusal is { } refusal)
        {
            sender.Tell(new DirectoryCommands.ApprovalRefused(c.Bureau, decision.Unknown, refusal));
            return;
        }
        if (decision.AlreadyApprovedAt is { } at)
        {
            sender.Tell(new DirectoryCommands.Approved(c.Bureau, at, true, _state.Bureaus[c.Bureau].Fingerprint));
            return;
        }
        PersistListing(c.Bureau, [.. decision.Events], () =>
        {
            var listing = _state.Bureaus[c.Bureau];
            _log.Info("Bureau {Bureau} approved by {By}: key fingerprint {Fingerprint}", c.Bureau, c.By, listing.Fingerprint);
            _audit.Tell(new AuditCommands.Record(AuditKinds.BureauApproved, null, c.Bureau.Value, $"approved by {c.By}: key version {listing.LatestKeys?.Version} ({listing.Fingerprint})",
                Source: NextAuditSource()));
            sender.Tell(new DirectoryCommands.Approved(c.Bureau, listing.ApprovedAt!.Value, false, listing.Fingerprint));
        });
    }

    /// <summary>
    /// Persists <paramref name="events"/> with GS's signature on every key version of the bureau they leave approved and unsigned,
    /// then runs <paramref name="done"/> and pushes the directory to every node.
    /// </summary>
    private void PersistListing(BureauCode bureau, List<object> events, Action done)
    {
        var now = DateTimeOffset.UtcNow;
        var after = events.Aggregate(_state, (state, e) => state.Apply(e));
        events.AddRange(after.Unendorsed(bureau, _signer.Signs).Select(keys => new DirectoryEvents.KeysEndorsed(_signer.Endorse(keys, now))));
        if (events.Count == 0)
        {
            done();
            return;
        }
        var remaining = events.Count;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (--remaining > 0)
                return;
            done();
            PushToReplicas();
        });
    }

    private void OnClusterEvent(ClusterEvent.IClusterDomainEvent e)
    {
        if (e is ClusterEvent.MemberUp up && IsNode(up.Member))
            PushTo(up.Member.Address);

        var changes = _presence.Observe(e);
        if (changes.Count == 0)
            return;

        var now = DateTimeOffset.UtcNow;
        var events = new List<object>();
        foreach (var change in changes)
        {
            events.AddRange(_state.Enrol(change.Bureau, null, now));
            events.Add(new DirectoryEvents.BureauSeen(change.Bureau, change.Online, now));
        }
        PersistAll(events, ev =>
        {
            _state = _state.Apply(ev);
            if (ev is DirectoryEvents.BureauSeen seen)
            {
                _log.Info("Bureau {Bureau} is {Presence}", seen.Bureau, seen.Online ? "online" : "offline");
                _audit.Tell(PresenceRecord(seen, NextAuditSource()));
                // A member hosting many bureaus brings them all at once: one push for the lot.
                if (ReferenceEquals(ev, events[^1]))
                    PushToReplicas();
                if (LastSequenceNr % 200 == 0)
                    SaveSnapshot(_state.ToView(_presence.Online, now));
            }
        });
    }

    /// <summary>
    /// The journal events the entries of the events just written record: those since the last entry's, so that the listings
    /// and endorsements that make no entry of their own are named by the entry of the change they came with.
    /// </summary>
    private AuditSource NextAuditSource()
    {
        var source = new AuditSource(PersistenceId, Math.Min(_auditedUpTo + 1, LastSequenceNr), LastSequenceNr);
        _auditedUpTo = LastSequenceNr;
        return source;
    }

    /// <summary>A key change in the words of its audit entry, as written and as recorded again after a restart.</summary>
    private static string KeyChange(BureauPublicKeys keys, bool rotation) =>
        $"{(rotation ? "rotated to" : "enrolled")} key version {keys.Version} ({keys.Fingerprint})";

    private static AuditCommands.Record PresenceRecord(DirectoryEvents.BureauSeen seen, AuditSource source) => seen.Online
        ? new(AuditKinds.BureauOnline, null, seen.Bureau.Value, $"{seen.Bureau} has a reachable node in the network", Source: source)
        : new(AuditKinds.BureauOffline, null, seen.Bureau.Value, $"{seen.Bureau} has no reachable node in the network (it left, or cannot be reached)", Source: source);

    /// <summary>
    /// The entries for an event the node wrote and died before recording. Said from the event alone: the node the keys came
    /// from and whether the bureau was approved by then are not in it.
    /// </summary>
    private IReadOnlyList<AuditCommands.Record> RecordsFor(long sequenceNr, object @event)
    {
        var source = AuditSource.Of(PersistenceId, sequenceNr);
        return @event switch
        {
            DirectoryEvents.BureauEnrolled { Keys: { } keys } e => [new AuditCommands.Record(keys.Version > 1 ? AuditKinds.KeyRotated : AuditKinds.KeyEnrolled,
                null, e.Bureau.Value, KeyChange(keys, keys.Version > 1), Source: source)],
            DirectoryEvents.BureauApproved a => [new AuditCommands.Record(AuditKinds.BureauApproved, null, a.Bureau.Value, $"approved by {a.By}", Source: source)],
            DirectoryEvents.BureauSeen seen => [PresenceRecord(seen, source)],
            _ => [],
        };
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
