using ActorNet.Actors.Audit;
using ActorNet.Actors.Cluster;
using ActorNet.Actors.Messaging.Bulk;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Published on the node's event stream when a message has been persisted in the inbox of <paramref name="Holder"/> (a
/// member hosting several bureaus publishes for each).
/// </summary>
/// <param name="Arrival">The envelope as persisted: a live feed whose cursor is <paramref name="ListedAfter"/> sends it on without reading the inbox.</param>
/// <param name="ListedAfter">The message listed just before this one in the inbox (null when this is its first).</param>
public sealed record MessageArrived(BureauCode From, string Id, DateTimeOffset At, BureauCode Holder,
    InboxEvents.Received? Arrival = null, string? ListedAfter = null);

/// <summary>
/// A bureau's inbox: persists each sealed envelope once, in the order its sender sent it, after the gate has checked
/// its signature and address; acknowledges to the sender's outbox only what it has persisted. Never opens an envelope:
/// the API opens it for its authorised reader.
/// </summary>
public sealed class InboxActor : ReceivePersistentActor, IWithTimers
{
    public const string Name = "inbox";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCode _bureau;
    private readonly IEnvelopeGate _gate;
    private readonly IActorRef _audit;
    private InboxState _state;
    private readonly long _recentBytes;
    private readonly int _snapshotEvery;
    private long _arrivalsSinceSnapshot, _replayedEvents;
    private long? _snapshotSequence;
    private bool _savingSnapshot;
    private readonly Dictionary<BureauCode, IActorRef> _outboxes = new();
    private readonly Func<BureauCode, IActorRef>? _outboxOverride;
    private BulkChannel? _bulk;
    private readonly IActorRef? _notices;
    private readonly NoticeHandOverQueue _handOver = new();
    private bool _markWriting;
    // The last of this inbox's journal events that an audit entry records (see NextAuditSource).
    private long _auditedUpTo;
    private long _refused;
    // The last message in inbox order (notice envelopes are not listed): each new one names it, for the live feeds.
    private string? _lastListed;
    // Acknowledgements and reads wait a moment to go out together: a sender sending singly would otherwise get one
    // acknowledgement (and write one Delivered event and audit entry) per message, and a reader paging singly one Read
    // event and one read receipt per message. Neither is on the way from sender to reader: at 1,000 single sends a second,
    // 50 ms rather than 10 (with the audit log's sourced linger) took 4–5 % off the sender's CPU (docs/benchmarks.md, session 36).
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);
    private readonly Dictionary<BureauCode, IActorRef> _acknowledgementsDue = new();
    private readonly List<string> _readsDue = [];

    /// <param name="notices">Where notice envelopes go once persisted (see <see cref="HandOver"/>); none: they stay in the inbox as messages.</param>
    /// <param name="recentBytes">Sealed bytes of the most recent arrivals kept in memory; older ones are read back from the journal.</param>
    /// <param name="snapshotEvery">Arrivals between snapshots of the bookkeeping, at least (a quarter of the inbox once it is larger).</param>
    public InboxActor(BureauCode bureau, IEnvelopeGate gate, IActorRef audit, Func<BureauCode, IActorRef>? outboxFor = null, IActorRef? notices = null,
        long recentBytes = InboxState.DefaultRecentBytes, int snapshotEvery = DefaultSnapshotEvery)
    {
        _state = new InboxState(recentBytes);
        _recentBytes = recentBytes;
        _snapshotEvery = snapshotEvery;
        _bureau = bureau;
        _gate = gate;
        _audit = audit;
        _outboxOverride = outboxFor;
        _notices = notices;
        PersistenceId = "inbox-" + bureau.Value;

        Recover<SnapshotOffer>(offer =>
        {
            _state = InboxState.FromSnapshot((InboxSnapshot)offer.Snapshot, _recentBytes);
            _snapshotSequence = offer.Metadata.SequenceNr;
        });
        Recover<InboxEvents.Received>(r => { _replayedEvents++; Keep(r, 0, LastSequenceNr); });
        Recover<InboxEvents.ReceivedBatch>(b => { _replayedEvents++; Arrive(b, LastSequenceNr, live: false); });
        Recover<InboxEvents.Confirmed>(c =>
        {
            _replayedEvents++;
            var run = _state.RunOf(c.From);
            run.ConfirmedInJournal = Math.Max(run.ConfirmedInJournal, c.UpToSequence);
            Confirm(c.From, c.UpToSequence, live: false);
        });
        Recover<InboxEvents.Withdrawn>(w => { _replayedEvents++; _state.Withdraw(w.From, w.Incarnation, w.AfterSequence); });
        Recover<InboxEvents.Read>(r => { _replayedEvents++; _state.Apply(r); });
        Recover<InboxEvents.Refused>(_ => _replayedEvents++);
        Recover<NoticeHandOver.HandedOver>(h => { _replayedEvents++; _handOver.Marked(h.UpTo); });
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Inbox of {Bureau} recovered with {Count} messages, from snapshot at {SnapshotSequence} and {Replayed} events",
                _bureau, _state.Count, _snapshotSequence, _replayedEvents);
            _lastListed = _state.LastListed(IsMessageId);
            StartHandOver();
            // What the node died before recording in the audit log is recorded now (the log answers with what it lacks);
            // entries from here on name the events since the last one, hand-over marks included.
            _auditedUpTo = LastSequenceNr;
            UnrecordedEventsReader.Ask(Context, _audit, _bureau, PersistenceId, LastSequenceNr);
            // Arrivals still held back wait for their senders' marks, which were in memory only: each sender hears how far this
            // inbox knows it committed, and says how far it did.
            foreach (var sender in _state.HoldingFrom.ToList())
                AcknowledgeSoon(sender, OutboxOf(sender));
        });

        Command<DeliveryProtocol.Deliver>(OnDeliver);
        Command<InboxQueries.List>(q => Answer(_state.After(q.AfterId, Math.Clamp(q.Limit, 1, 10_000), IsMessageId)));
        Command<InboxQueries.Get>(q => Answer(new InboxQueries.Page(_state.Find(q.Id) is { } found && IsMessage(found) ? [found] : [], false)));
        Command<InboxCommands.MarkRead>(OnMarkRead);
        Command<AuditQueries.UnrecordedEvents>(unrecorded =>
            UnrecordedEventsReader.ReadAll(Context, Journal, unrecorded));
        Command<UnrecordedEventsReader.Unrecorded>(e => UnrecordedEventsReader.Record(_audit, RecordsFor(e.SequenceNr, e.Event)));
        Command<UnrecordedEventsReader.RangeRead>(range => _audit.Tell(UnrecordedEventsReader.RangeRecord(range)));
        Command<Acknowledge>(_ => AcknowledgeNow());
        Command<WriteReads>(_ => WriteReadsNow());
        Command<WriteConfirmations>(_ => WriteConfirmationsNow());
        Command<NoticeHandOver.Taken>(OnTaken);
        Command<HandOverDue>(_ => HandOverNow());
        Command<GetMemory>(_ => Sender.Tell(new Memory(_state.Count, _state.HeldBytes, _replayedEvents, _snapshotSequence,
            _state.HeldCount, _state.Runs.Values.Count(r => r.Confirmed > r.ConfirmedInJournal))));
        Command<SaveSnapshotSuccess>(s =>
        {
            _savingSnapshot = false;
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
            SnapshotIfDue(); // a burst may have come and gone while this one was being saved
        });
        Command<SaveSnapshotFailure>(f =>
        {
            _savingSnapshot = false;
            _log.Warning(f.Cause, "Inbox of {Bureau} could not save its snapshot at {SnapshotSequence}; recovery replays more until the next one", _bureau, f.Metadata.SequenceNr);
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Inbox of {Bureau} could not delete its older snapshots", _bureau));
    }

    public const int DefaultSnapshotEvery = 10_000;

    /// <summary>How much the inbox holds and how it last recovered; answered with <see cref="Memory"/>.</summary>
    public sealed class GetMemory : INoSerializationVerificationNeeded
    {
        public static readonly GetMemory Instance = new();
    }

    /// <param name="SnapshotSequence">The journal position of the snapshot recovery started from, if any.</param>
    /// <param name="HeldBack">Arrivals persisted and held back until their senders' marks cover them.</param>
    /// <param name="MarksUnwritten">Senders whose latest mark the journal does not hold yet (written a moment after the last arrival).</param>
    public sealed record Memory(int Arrivals, long HeldBytes, long ReplayedEvents, long? SnapshotSequence, int HeldBack = 0, int MarksUnwritten = 0)
        : INoSerializationVerificationNeeded;

    /// <summary>
    /// Saves the bookkeeping once enough has arrived since the last snapshot. Write callbacks run in journal order, so the
    /// state is always exactly that of the journal up to the last write done (LastSequenceNr, where the snapshot goes);
    /// what is taken and still being written replays after it. Not while a notice envelope waits for the notice side, nor while
    /// an arrival is held back for its sender's mark: their sealed bytes would have to be in the snapshot.
    /// </summary>
    private void SnapshotIfDue()
    {
        if (_savingSnapshot || _arrivalsSinceSnapshot < SnapshotInterval.After(_snapshotEvery, _state.Count) || _handOver.Count > 0 || _state.HeldCount > 0)
            return;
        _savingSnapshot = true;
        _arrivalsSinceSnapshot = 0;
        SaveSnapshot(_state.ToSnapshot());
    }

    public override string PersistenceId { get; }

    /// <summary>Answers with the page at once when its arrivals still hold their bytes, else once they are read back from the journal.</summary>
    private void Answer(InboxQueries.Page page)
    {
        var inJournal = page.Items.Select(_state.JournalSequenceToRead).Where(sequence => sequence > 0).ToArray();
        if (inJournal.Length == 0)
        {
            Sender.Tell(page);
            return;
        }
        var journal = Akka.Persistence.Persistence.Instance.Apply(Context.System).JournalFor(JournalPluginId);
        Context.ActorOf(InboxPageReader.Props(journal, PersistenceId, page, inJournal.Min(), inJournal.Max(), Sender));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BureauCode bureau, IEnvelopeGate gate, IActorRef audit, Func<BureauCode, IActorRef>? outboxFor = null, IActorRef? notices = null,
        long recentBytes = InboxState.DefaultRecentBytes, int snapshotEvery = DefaultSnapshotEvery) =>
        Akka.Actor.Props.Create(() => new InboxActor(bureau, gate, audit, outboxFor, notices, recentBytes, snapshotEvery));

    // --- Dispatch hook (issue 4): notice envelopes are delivered like any other, then handed to the notice side. ---

    /// <summary>Whether an arrival is a message for the messages API, rather than a notice document the notice side holds.</summary>
    private bool IsMessage(InboxEvents.Received received) => IsMessageId(received.Id);

    private bool IsMessageId(string id) => _notices is null || !NoticeEnvelopes.Owns(id);

    /// <summary>
    /// Applies a persisted arrival. A notice envelope is kept in memory without its sealed bytes (its id still refuses a replay),
    /// and only until the notice side has taken it, in the hand-over queue, under the journal sequence number it was persisted with.
    /// </summary>
    private void Keep(InboxEvents.Received received, int index, long journalSequence)
    {
        _arrivalsSinceSnapshot++;
        if (IsMessage(received))
        {
            _state.Apply(received, journalSequence);
            return;
        }
        _state.Apply(received with { Sealed = ReadOnlyMemory<byte>.Empty }, journalSequence);
        _handOver.Arrived(journalSequence, index, received);
    }

    /// <summary>
    /// A persisted delivery (live, or replayed in recovery): its arrivals are held back, and shown at once where their sender
    /// says it committed them (an older sender, incarnation 0, sends only what it committed).
    /// </summary>
    private void Arrive(InboxEvents.ReceivedBatch batch, long journalSequence, bool live)
    {
        var index = 0;
        foreach (var arrival in batch.Arrivals)
            _state.Hold(arrival, journalSequence, index++, batch.Incarnation);
        var run = _state.RunOf(batch.From);
        var confirmed = batch.Incarnation != 0 ? batch.ConfirmedUpTo : batch.Parcels.Count > 0 ? batch.Parcels[^1].Sequence : 0;
        run.ConfirmedInJournal = Math.Max(run.ConfirmedInJournal, confirmed);
        run.Confirmed = Math.Max(run.Confirmed, confirmed);
        Reveal(batch.From, run, live);
    }

    /// <summary><paramref name="sender"/> says it committed everything up to <paramref name="upTo"/>: what was held back up to there is shown.</summary>
    private void Confirm(BureauCode sender, long upTo, bool live)
    {
        var run = _state.RunOf(sender);
        if (upTo <= run.Confirmed)
            return;
        run.Confirmed = upTo;
        Reveal(sender, run, live);
    }

    /// <summary>Shows what <paramref name="sender"/> held back up to its mark; a mark the journal lacks is written soon after.</summary>
    private void Reveal(BureauCode sender, InboxState.SenderRun run, bool live)
    {
        var released = _state.Release(sender, run.Confirmed);
        if (live && run.Confirmed > run.ConfirmedInJournal)
            ConfirmSoon();
        foreach (var held in released)
        {
            Keep(held.Arrival, held.Index, held.JournalSequence);
            if (live)
                HandOver(held.Arrival);
        }
        if (live && released.Count > 0)
            SnapshotIfDue();
    }

    /// <summary>
    /// Writes how far each sender said it committed, once no arrival has carried it for <see cref="Linger"/>: what the reader
    /// was shown stays shown after a restart, without a write per mark (an arrival's batch carries the mark of its time).
    /// </summary>
    private void ConfirmSoon() => Timers.StartSingleTimer(nameof(WriteConfirmations), WriteConfirmations.Instance, Linger);

    private void WriteConfirmationsNow()
    {
        foreach (var (sender, run) in _state.Runs)
        {
            if (run.Confirmed <= run.ConfirmedInJournal)
                continue;
            PersistAsync(new InboxEvents.Confirmed(sender, run.Incarnation, run.Confirmed, DateTimeOffset.UtcNow),
                written => run.ConfirmedInJournal = Math.Max(run.ConfirmedInJournal, written.UpToSequence));
        }
    }

    /// <summary>Hands a persisted arrival on: a notice envelope to the notice side (which opens it), a message to the live events.</summary>
    private void HandOver(InboxEvents.Received received)
    {
        if (IsMessage(received))
        {
            Context.System.EventStream.Publish(new MessageArrived(received.From, received.Id, received.At, _bureau, received, _lastListed));
            _lastListed = received.Id;
        }
        else
            HandOverNow();
    }

    /// <summary>
    /// After recovery: hands over what the notice side had not taken when the inbox last stopped (the persisted mark says up to
    /// where it had), and from then on resends what it does not take in time.
    /// </summary>
    private void StartHandOver()
    {
        if (_notices is null)
            return;
        if (_handOver.Count > 0)
            _log.Info("Inbox of {Bureau}: {Count} notice envelopes not yet taken by the notice side; handing them over", _bureau, _handOver.Count);
        Timers.StartPeriodicTimer("notice-hand-over", HandOverDue.Instance, TimeSpan.FromSeconds(5));
        HandOverNow();
    }

    private void HandOverNow()
    {
        foreach (var received in _handOver.Due(DateTimeOffset.UtcNow))
            _notices!.Tell(received);
    }

    private void OnTaken(NoticeHandOver.Taken taken)
    {
        if (!_handOver.Taken(taken.EnvelopeId))
            return;
        HandOverNow();
        WriteMark();
    }

    /// <summary>Persists how far the notice side has taken everything; one write at a time, the latest mark after it.</summary>
    private void WriteMark()
    {
        // Not past an arrival held back: a notice envelope among them is handed over only once its sender's mark shows it.
        var upTo = Math.Min(_handOver.TakenUpTo, _state.FirstHeldJournalSequence - 1);
        if (_markWriting || upTo <= _handOver.Mark)
            return;
        _markWriting = true;
        PersistAsync(new NoticeHandOver.HandedOver(upTo, DateTimeOffset.UtcNow), marked =>
        {
            _handOver.Marked(marked.UpTo);
            _markWriting = false;
            WriteMark();
        });
    }

    private sealed class HandOverDue : INoSerializationVerificationNeeded
    {
        public static readonly HandOverDue Instance = new();
    }

    private sealed class Acknowledge : INoSerializationVerificationNeeded
    {
        public static readonly Acknowledge Instance = new();
    }

    private sealed class WriteReads : INoSerializationVerificationNeeded
    {
        public static readonly WriteReads Instance = new();
    }

    private sealed class WriteConfirmations : INoSerializationVerificationNeeded
    {
        public static readonly WriteConfirmations Instance = new();
    }

    // --- end of the dispatch hook ---

    private void OnDeliver(DeliveryProtocol.Deliver delivery)
    {
        var sender = Sender;
        if (!delivery.To.Equals(_bureau))
        {
            Refuse(delivery.From, [new(delivery.Parcels.FirstOrDefault()?.Id, $"addressed to {delivery.To}, not {_bureau}")]);
            return;
        }
        if (delivery.Incarnation != 0 && !FollowRun(delivery, sender))
            return;
        var (accepted, refused) = _state.Take(delivery, _gate, DateTimeOffset.UtcNow);
        if (refused.Count > 0)
            Refuse(delivery.From, refused.Select(r => new InboxEvents.RefusedEnvelope(r.Parcel.Id, r.Reason)).ToArray());
        if (accepted.Count == 0)
        {
            AcknowledgeSoon(delivery.From, sender);
            return;
        }
        // One event, one journal row and one audit entry for the whole delivery; acknowledged once it is written. Written
        // without holding back what comes next: deliveries that arrive meanwhile are checked and queued behind it, and the
        // journal writes everything queued in one transaction (one commit for many senders sending singly).
        var batch = new InboxEvents.ReceivedBatch(delivery.From, accepted.Select(r => new Parcel(r.Sequence, r.Id, r.Sealed)).ToArray(), accepted[0].At,
            delivery.Incarnation, delivery.Incarnation == 0 ? 0 : _state.RunOf(delivery.From).Confirmed);
        PersistAsync(batch, received =>
        {
            _audit.Tell(ReceivedRecord(received, NextAuditSource()));
            Arrive(received, LastSequenceNr, live: true);
            AcknowledgeSoon(delivery.From, sender);
            SnapshotIfDue();
        });
    }

    /// <summary>
    /// Follows the run of the sender's outbox a delivery comes from: a new one drops what older runs sent and never committed,
    /// and every delivery's mark shows what was held back up to it.
    /// </summary>
    /// <returns>false when the delivery is passed over: it comes from a run that has since restarted, or from a new run while
    /// parcels of the older one are still being written (the acknowledgement that follows them names the older run, and the
    /// sender answers it with its mark and sends again).</returns>
    private bool FollowRun(DeliveryProtocol.Deliver delivery, IActorRef outbox)
    {
        var run = _state.RunOf(delivery.From);
        if (delivery.Incarnation < run.Incarnation)
        {
            _log.Debug("Inbox of {Bureau} passed over a delivery from {Sender}'s outbox run {Incarnation}, which has restarted as {Current}",
                _bureau, delivery.From, delivery.Incarnation, run.Incarnation);
            return false;
        }
        if (delivery.Incarnation > run.Incarnation)
        {
            if (_state.WritingFrom(delivery.From))
            {
                AcknowledgeSoon(delivery.From, outbox);
                return false;
            }
            var withdrawn = _state.Withdraw(delivery.From, delivery.Incarnation, delivery.ResumedAfter);
            if (withdrawn.Count > 0)
                Withdraw(new InboxEvents.Withdrawn(delivery.From, delivery.Incarnation, delivery.ResumedAfter, withdrawn, DateTimeOffset.UtcNow));
        }
        Confirm(delivery.From, delivery.CommittedUpTo, live: true);
        return true;
    }

    /// <summary>Journals and audits parcels dropped because their sender restarted without committing them (already gone from the state).</summary>
    private void Withdraw(InboxEvents.Withdrawn withdrawn)
    {
        _log.Warning("Inbox of {Bureau} dropped {Count} messages from {Sender} held back and never committed by it: its outbox restarted after sequence {Sequence}",
            _bureau, withdrawn.Ids.Count, withdrawn.From, withdrawn.AfterSequence);
        PersistAsync(withdrawn, written => _audit.Tell(new AuditCommands.RecordAll(WithdrawnRecords(written, NextAuditSource()))));
    }

    private static List<AuditCommands.Record> WithdrawnRecords(InboxEvents.Withdrawn withdrawn, AuditSource source) =>
    [
        new(AuditKinds.MessageWithdrawn, withdrawn.Ids.Count == 1 ? withdrawn.Ids[0] : null, withdrawn.From.Value,
            $"{withdrawn.Ids.Count} from {withdrawn.From} never committed by its sender, whose outbox restarted after sequence {withdrawn.AfterSequence}",
            withdrawn.Ids.Count == 1 ? null : withdrawn.Ids, source),
    ];

    /// <summary>Acknowledges to <paramref name="outbox"/> within <see cref="Linger"/> everything persisted from <paramref name="sender"/> by then.</summary>
    private void AcknowledgeSoon(BureauCode sender, IActorRef outbox)
    {
        _acknowledgementsDue[sender] = outbox;
        if (!Timers.IsTimerActive(nameof(Acknowledge)))
            Timers.StartSingleTimer(nameof(Acknowledge), Acknowledge.Instance, Linger);
    }

    private void AcknowledgeNow()
    {
        foreach (var (sender, outbox) in _acknowledgementsDue)
            outbox.Tell(AcceptedFrom(sender));
        _acknowledgementsDue.Clear();
    }

    // This inbox's gate opens envelopes cut down to its own key and keys wrapped once a batch, so it says so with every
    // acknowledgement. Where this node's bulk channel listens goes with it too, so that the sender's outbox can send over it.
    // It also holds parcels back until their sender says it committed them, and names the run of the sender's outbox it
    // counts in.
    private DeliveryProtocol.Accepted AcceptedFrom(BureauCode sender)
    {
        var run = _state.RunOf(sender);
        return new(_bureau, sender, _state.LastSequence(sender), TakesCut: true, Bulk: (_bulk ??= BulkChannel.Of(Context.System))?.Advertised, BatchWraps: true,
            HoldsBack: true, Incarnation: run.Incarnation, ConfirmedUpTo: run.Confirmed);
    }

    private void OnMarkRead(InboxCommands.MarkRead command)
    {
        _readsDue.AddRange(command.Ids.Where(id => _state.SenderOf(id) is not null && !_state.WasRead(id)));
        if (_readsDue.Count > 0 && !Timers.IsTimerActive(nameof(WriteReads)))
            Timers.StartSingleTimer(nameof(WriteReads), WriteReads.Instance, Linger);
    }

    /// <summary>One Read event, audit entry and read receipt per sender for everything read since the last.</summary>
    private void WriteReadsNow()
    {
        var ids = _readsDue.Where(id => !_state.WasRead(id)).Distinct().ToArray();
        _readsDue.Clear();
        if (ids.Length == 0)
            return;
        PersistAsync(new InboxEvents.Read(ids, DateTimeOffset.UtcNow), persisted =>
        {
            _state.Apply(persisted);
            var at = persisted.At;
            _audit.Tell(new AuditCommands.RecordAll(ReadRecords(persisted, NextAuditSource())));
            foreach (var group in ids.GroupBy(id => _state.SenderOf(id)!))
                OutboxOf(group.Key).Tell(new DeliveryProtocol.ReadReceipt(_bureau, group.Key, group.ToArray(), at));
        });
    }

    /// <summary>The journal events the entries of the event just written record: those since the last entry's (hand-over marks make none).</summary>
    private AuditSource NextAuditSource()
    {
        var source = new AuditSource(PersistenceId, Math.Min(_auditedUpTo + 1, LastSequenceNr), LastSequenceNr);
        _auditedUpTo = LastSequenceNr;
        return source;
    }

    private static AuditCommands.Record ReceivedRecord(InboxEvents.ReceivedBatch received, AuditSource source) =>
        new(AuditKinds.MessageReceived, null, received.From.Value,
            $"{received.Parcels.Count} from {received.From}, sequences {received.Parcels[0].Sequence}–{received.Parcels[^1].Sequence}",
            received.Parcels.Select(p => p.Id).ToArray(), source);

    /// <summary>One entry per sender of the messages read.</summary>
    private List<AuditCommands.Record> ReadRecords(InboxEvents.Read read, AuditSource source) =>
        read.Ids.GroupBy(id => _state.SenderOf(id)?.Value ?? "?").Select(group =>
        {
            var ids = group.ToArray();
            return ids.Length == 1
                ? new AuditCommands.Record(AuditKinds.MessageRead, ids[0], group.Key, "opened by its reader", Source: source)
                : new AuditCommands.Record(AuditKinds.MessageRead, null, group.Key, $"{ids.Length} opened by their reader", ids, source);
        }).ToList();

    /// <summary>The entries for an event the node wrote and died before recording.</summary>
    private IReadOnlyList<AuditCommands.Record> RecordsFor(long sequenceNr, object @event)
    {
        var source = AuditSource.Of(PersistenceId, sequenceNr);
        return @event switch
        {
            InboxEvents.ReceivedBatch b when b.Parcels.Count > 0 => [ReceivedRecord(b, source)],
            InboxEvents.Received r => [new AuditCommands.Record(AuditKinds.MessageReceived, r.Id, r.From.Value, $"from {r.From}, sequence {r.Sequence}", Source: source)],
            InboxEvents.Read read => ReadRecords(read, source),
            InboxEvents.Refused refused => RefusedRecords(refused, source),
            InboxEvents.Withdrawn withdrawn => WithdrawnRecords(withdrawn, source),
            _ => [],
        };
    }

    /// <summary>
    /// A delivery the journal refused to write (it could not serialize it): deliveries taken after it would be written past a
    /// gap, so the inbox starts again from what is written, and the senders resend the rest.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Inbox of {Bureau}: the journal refused event {SequenceNr} ({EventType}); restarting from the journal", _bureau, sequenceNr, @event.GetType().Name);
        Context.Stop(Self);
    }

    /// <summary>
    /// Logs the refusals at once and journals them before their audit entries, as arrivals are: a node killed before it
    /// wrote the entries records them when it starts again (<see cref="RecordsFor"/>).
    /// </summary>
    private void Refuse(BureauCode from, IReadOnlyList<InboxEvents.RefusedEnvelope> envelopes)
    {
        foreach (var envelope in envelopes)
        {
            _refused++;
            _log.Warning("Inbox of {Bureau} refused envelope {MessageId} from {Sender}: {Reason} ({RefusedCount} refused so far)",
                _bureau, envelope.Id, from, envelope.Reason, _refused);
        }
        PersistAsync(new InboxEvents.Refused(from, envelopes, DateTimeOffset.UtcNow), refused =>
        {
            var records = RefusedRecords(refused, NextAuditSource());
            _audit.Tell(records.Count == 1 ? records[0] : new AuditCommands.RecordAll(records));
        });
    }

    private static List<AuditCommands.Record> RefusedRecords(InboxEvents.Refused refused, AuditSource source) =>
        refused.Envelopes.Select(e => new AuditCommands.Record(AuditKinds.EnvelopeRefused, e.Id, refused.From.Value, e.Reason, Source: source)).ToList();

    private IActorRef OutboxOf(BureauCode sender)
    {
        if (_outboxOverride is not null)
            return _outboxOverride(sender);
        if (!_outboxes.TryGetValue(sender, out var proxy))
            _outboxes[sender] = proxy = Context.ActorOf(SingletonProxies.To(Context.System, OutboxActor.Name, sender.Role, bufferSize: 100), "outbox-" + sender.Value);
        return proxy;
    }
}
