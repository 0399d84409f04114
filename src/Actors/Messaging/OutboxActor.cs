using ActorNet.Actors.Audit;
using ActorNet.Actors.Cluster;
using ActorNet.Actors.Messaging.Bulk;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Messaging;

/// <summary>How an outbox paces delivery and how much it holds in memory.</summary>
/// <param name="Window">Parcels sent to one recipient and not yet acknowledged, at most.</param>
/// <param name="BatchSize">Parcels in one Deliver message.</param>
/// <param name="HeldPerRecipient">Envelopes held in memory per recipient, at most; the rest is read back from the journal.
/// A sender more than this ahead of its recipient reads the later envelopes back from the journal: with 4,000 about a third
/// of the 100,000-message streams ran at ~8,500 msg/s instead of ~11,500 (the sender busy and the recipient idle, in a
/// per-thread timeline), with 8,000 none of three alternated ones.
/// 20,000 peaked the sender of offline100k at 488 MiB while delivering (the bound is 500 MB); 8,000 at 415 MiB.</param>
/// <param name="HeldBytesPerRecipient">Sealed bytes held in memory per recipient, at most (one larger envelope alone): a
/// count alone does not bound memory when the envelopes are of the largest size (8,000 of 1 MiB).</param>
/// <param name="SnapshotEvery">Events between snapshots of the bookkeeping, at least (see <see cref="OutboxSettings.SnapshotAfter"/>).</param>
/// <param name="MaxJournalSpan">Journal events one read back may cover (other recipients' events lie in between). The journal
/// hands them to the reader without waiting for it, and a row holds up to <paramref name="RowBytes"/> of envelopes, so this
/// bounds what one read back can bring into memory (1,000 rows of 64 KiB: 64 MiB).</param>
/// <param name="DeliverBytes">Envelope bytes in one Deliver message, at most (one envelope larger than this goes alone).</param>
/// <param name="RowBytes">Sealed bytes in one journal row of posted envelopes, at most (one envelope larger than this goes alone):
/// under the large-object threshold, as the row is copied on its way to the database.</param>
public sealed record OutboxSettings(int Window = 2000, int BatchSize = 250, int HeldPerRecipient = 8000, int SnapshotEvery = 10_000, int MaxJournalSpan = 1000,
    int DeliverBytes = OutboxSettings.SmallObjectBytes, int RowBytes = OutboxSettings.SmallObjectBytes, long HeldBytesPerRecipient = 16 * 1024 * 1024)
{
    /// <summary>
    /// Akka.Remote copies a message four or five times on its way to the socket (the journal a row two or three times); below the runtime's large-object threshold
    /// (85,000 bytes) every copy is a cheap short-lived allocation, above it each one is a large-object-heap allocation
    /// collected only with gen2.
    /// </summary>
    public const int SmallObjectBytes = 64 * 1024;

    public static OutboxSettings Default { get; } = new();

    /// <summary>
    /// How long a recipient with messages waiting may stay silent before the outbox reports it (a warning naming the
    /// bureau, what waits for it and since when); then again every <see cref="SilenceReportedAgain"/> while it stays away,
    /// and once more when it answers. A bureau offline for days is normal: what an operator needs is that it is, not a
    /// line every retry.
    /// </summary>
    public TimeSpan SilenceReported { get; init; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc cref="SilenceReported"/>
    public TimeSpan SilenceReportedAgain { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long what is in flight to a recipient may go unacknowledged before it goes again, at first (or after four of the
    /// recipient's round trips, if longer); doubled on each silence up to 30 s, and back to this on an acknowledgement.
    /// </summary>
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Events between snapshots when the outbox keeps <paramref name="messages"/> messages' bookkeeping (<see cref="SnapshotInterval"/>).</summary>
    public long SnapshotAfter(int messages) => SnapshotInterval.After(SnapshotEvery, messages);
}

/// <summary>
/// A bureau's outbox: keeps every sealed envelope it accepted until each recipient's inbox has persisted it,
/// delivering in order per recipient with a window of parcels in flight, and retrying with backoff for as long as it takes.
/// Runs as a singleton on the bureau's role. It never opens an envelope.
/// </summary>
/// <remarks>
/// The envelopes live in the journal. Memory holds the bookkeeping (<see cref="OutboxState"/>) and, per recipient, a
/// bounded window of envelopes (<see cref="EnvelopeWindow"/>): newly posted ones while the window has room, and pages
/// read back from the journal (<see cref="JournalPageReader"/>) as the recipient takes them. Snapshots of the
/// bookkeeping every <see cref="OutboxSettings.SnapshotEvery"/> events keep recovery from replaying the whole journal.
/// </remarks>
public sealed class OutboxActor : ReceivePersistentActor, IWithTimers
{
    public const string Name = "outbox";

    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadPause = TimeSpan.FromSeconds(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCode _bureau;
    private readonly IActorRef _audit;
    private readonly Func<BureauCode, IActorRef>? _inboxOverride;
    private readonly OutboxSettings _settings;
    private OutboxState _state = new();
    private readonly Dictionary<BureauCode, Channel> _channels = new();
    private readonly List<(OutboxCommands.Post Post, Waiter Waiter)> _buffer = [];
    private readonly Dictionary<string, List<Waiter>> _writing = new(StringComparer.Ordinal);
    private bool _flushScheduled;
    private readonly HashSet<BureauCode> _pumpDue = [];
    private bool _pumpScheduled;
    private long _eventsSinceSnapshot;
    private long _replayedEvents;
    private long? _snapshotSequence;
    private bool _savingSnapshot;
    private int _readers;
    private readonly EnvelopeCutter _cuts = new();
    private BulkChannel? _bulk;
    // This run of the outbox: the journal position of its Resumed event, 0 until that is written (nothing is sent until then).
    private long _incarnation;
    // Per recipient, the last sequence committed when this run began: what an older run sent after it was never committed.
    private readonly Dictionary<BureauCode, long> _resumedAfter = new();
    private readonly HashSet<BureauCode> _markDue = [];
    // Recipients of each message forwarded early and still being written, which the bookkeeping knows only once written:
    // the cutter sends a single recipient's envelope whole without parsing it.
    private readonly Dictionary<string, int> _earlyRecipients = new(StringComparer.Ordinal);

    /// <summary>Per recipient: the envelopes held in memory, what was sent and not yet acknowledged, and when to try again.</summary>
    private sealed class Channel(int capacity, long maxBytes, TimeSpan firstRetry)
    {
        public readonly EnvelopeWindow Window = new(capacity, maxBytes);
        public long SentUpTo;
        public DateTime LastProgress = DateTime.UtcNow;
        public TimeSpan Backoff = firstRetry;
        public bool Reading;
        public DateTime ReadNotBefore;
        public IActorRef? Inbox;
        // Where the recipient's node takes Delivers over the bulk channel, from its acknowledgements, and the link there.
        public string? Bulk;
        public BulkLink? Link;
        // Learnt from the recipient's acknowledgements, not persisted: until it says so, it gets whole envelopes.
        public bool TakesCut;
        // The same for holding parcels back until this outbox says it committed them: until it says so, it is sent a parcel
        // only once its write is committed.
        public bool HoldsBack;
        // The last "committed up to" this recipient was sent.
        public long MarkSent;
        // The same for keys wrapped once a batch, which the node's sealers hear of (SealerCommands.RecipientReads) on each
        // change, the first acknowledgement included.
        public bool? BatchWraps;
        // Each Deliver awaiting its acknowledgement (its last sequence, when it went), and the smoothed time an acknowledgement
        // takes: a busy recipient acknowledges late, and resending to it everything in flight would only double its work.
        public readonly Queue<(long UpTo, DateTime At)> InFlight = new();
        public TimeSpan RoundTrip;
        // After a silence, one Deliver goes as a probe and the rest of the window waits for its acknowledgement: a recipient
        // that was only slow is not sent its whole window again, and one that was away gets everything once it answers.
        public bool Probing;

        public bool AwaitingProbe => Probing && InFlight.Count > 0;

        // Since when the recipient has not acknowledged, once a retry found it silent; when its silence is next reported
        // (null until the first report).
        public DateTime? SilentSince;
        public DateTime? SilenceReportDue;

        /// <summary>How long without an acknowledgement before what is in flight counts as lost: the backoff, or four round trips if longer.</summary>
        public TimeSpan StallAfter => TimeSpan.FromTicks(Math.Max(Backoff.Ticks, Math.Min(4 * RoundTrip.Ticks, MaxRetry.Ticks)));

        public void Acknowledged(long upTo, DateTime now)
        {
            DateTime? sent = null;
            while (InFlight.TryPeek(out var f) && f.UpTo <= upTo)
                sent = InFlight.Dequeue().At;
            if (sent is { } at)
                RoundTrip = RoundTrip == TimeSpan.Zero ? now - at : (RoundTrip * 7 + (now - at)) / 8;
        }
    }

    /// <summary>Asks what the outbox holds in memory; answered with <see cref="Memory"/>. Local only: for tests and diagnostics.</summary>
    public sealed class GetMemory : INoSerializationVerificationNeeded
    {
        public static readonly GetMemory Instance = new();
    }

    /// <param name="Messages">Messages whose status the outbox keeps.</param>
    /// <param name="Pending">Parcels not yet acknowledged, all recipients together.</param>
    /// <param name="HeldParcels">Envelopes held in memory, all recipients together.</param>
    /// <param name="ReplayedEvents">Events replayed at the last recovery (after the snapshot, if any).</param>
    /// <param name="SnapshotSequence">The journal position of the snapshot recovery started from, if any.</param>
    public sealed record Memory(int Messages, long Pending, int HeldParcels, long HeldBytes, long ReplayedEvents, long? SnapshotSequence)
        : INoSerializationVerificationNeeded;

    public OutboxActor(BureauCode bureau, IActorRef audit, Func<BureauCode, IActorRef>? inboxFor = null, OutboxSettings? settings = null)
    {
        _bureau = bureau;
        _audit = audit;
        _inboxOverride = inboxFor;
        _settings = settings ?? OutboxSettings.Default;
        PersistenceId = "outbox-" + bureau.Value;

        Recover<SnapshotOffer>(offer =>
        {
            _state = OutboxState.FromSnapshot((OutboxSnapshot)offer.Snapshot);
            _snapshotSequence = offer.Metadata.SequenceNr;
        });
        Recover<OutboxEvents.Posted>(Replay);
        Recover<OutboxEvents.PostedBatch>(Replay);
        Recover<OutboxEvents.Delivered>(Replay);
        Recover<OutboxEvents.ReadBy>(Replay);
        Recover<OutboxEvents.Resumed>(_ => _replayedEvents++);
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Outbox of {Bureau} recovered {Messages} messages, {Pending} parcels awaiting delivery, from snapshot at {SnapshotSequence} and {Replayed} events",
                _bureau, _state.MessageCount, _state.PendingCount, _snapshotSequence ?? 0, _replayedEvents);
            foreach (var recipient in _state.Recipients)
                _resumedAfter[recipient] = _state.LastSequence(recipient);
            // A new run, under a number no earlier run had: what an earlier one forwarded while committing and never
            // committed is told apart from what this one sends under the same sequences.
            PersistAsync(new OutboxEvents.Resumed(DateTimeOffset.UtcNow), _ =>
            {
                _incarnation = LastSequenceNr;
                Audit([ResumedRecord(AuditSource.Of(PersistenceId, LastSequenceNr))]);
                foreach (var recipient in _state.Recipients.ToList())
                {
                    // A recipient may hold parcels the last run committed without saying so: it hears it now.
                    if (_resumedAfter.GetValueOrDefault(recipient) > 0)
                        SendMark(recipient);
                    Pump(recipient);
                }
            });
            // What the node died before recording in the audit log is recorded now (the log answers with what it lacks).
            UnrecordedEventsReader.Ask(Context, _audit, _bureau, PersistenceId, LastSequenceNr);
        });

        Command<OutboxCommands.Post>(post => Buffer([post], new Waiter(Sender, new OutboxCommands.Posted(post.Id), 1)));
        Command<OutboxCommands.PostAll>(all => Buffer(all.Posts, new Waiter(Sender, new OutboxCommands.PostedAll(all.Posts.Select(p => p.Id).ToArray()), all.Posts.Count)));
        // Everything posted since the last flush is written in one go: one commit for many messages.
        Command<Flush>(_ => WriteBuffer());
        Command<PumpDue>(_ => PumpWritten());
        Command<DeliveryProtocol.Accepted>(OnAccepted);
        Command<DeliveryProtocol.ReadReceipt>(receipt =>
            PersistAsync(new OutboxEvents.ReadBy(receipt.Recipient, receipt.Ids, receipt.At), e =>
            {
                Applied(e);
                Audit([ReadRecord(e, AuditSource.Of(PersistenceId, LastSequenceNr))]);
            }));
        Command<AuditQueries.UnrecordedEvents>(unrecorded => UnrecordedEventsReader.ReadAll(Context, Journal, unrecorded));
        Command<UnrecordedEventsReader.Unrecorded>(e => UnrecordedEventsReader.Record(_audit, RecordsFor(e.SequenceNr, e.Event)));
        Command<UnrecordedEventsReader.RangeRead>(range => _audit.Tell(UnrecordedEventsReader.RangeRecord(range)));
        Command<OutboxQueries.GetStatus>(q =>
            Sender.Tell(_state.Status(_bureau, q.Id) is { } status ? status : new OutboxQueries.NotFound(q.Id)));
        Command<JournalPageReader.Page>(OnPage);
        Command<Retry>(_ => RetryStalled());
        Command<GetMemory>(_ => Sender.Tell(new Memory(_state.MessageCount, _state.PendingCount,
            _channels.Values.Sum(c => c.Window.Count), _channels.Values.Sum(c => c.Window.Bytes), _replayedEvents, _snapshotSequence)));
        Command<SaveSnapshotSuccess>(s =>
        {
            _savingSnapshot = false;
            _log.Debug("Outbox of {Bureau} snapshot at {SnapshotSequence}", _bureau, s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f =>
        {
            _savingSnapshot = false;
            _log.Warning(f.Cause, "Outbox of {Bureau} could not save its snapshot at {SnapshotSequence}; recovery replays more until the next one", _bureau, f.Metadata.SequenceNr);
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Outbox of {Bureau} could not delete its older snapshots", _bureau));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BureauCode bureau, IActorRef audit, Func<BureauCode, IActorRef>? inboxFor = null, OutboxSettings? settings = null) =>
        Akka.Actor.Props.Create(() => new OutboxActor(bureau, audit, inboxFor, settings));

    protected override void PreStart() => Timers.StartPeriodicTimer("retry", Retry.Instance, TimeSpan.FromSeconds(1));

    private void Replay(object @event)
    {
        _state.Apply(@event, LastSequenceNr);
        _replayedEvents++;
        _eventsSinceSnapshot += Weight(@event);
    }

    /// <summary>A persisted event enters the bookkeeping; every so many, the bookkeeping is saved as a snapshot.</summary>
    private void Applied(object @event)
    {
        _state.Apply(@event, LastSequenceNr);
        _eventsSinceSnapshot += Weight(@event);
        if (_eventsSinceSnapshot >= _settings.SnapshotAfter(_state.MessageCount) && !_savingSnapshot)
        {
            _eventsSinceSnapshot = 0;
            _savingSnapshot = true;
            SaveSnapshot(_state.ToSnapshot());
        }
    }

    /// <summary>What an event costs recovery, in events of one message: a batch replays as its posts.</summary>
    private static int Weight(object @event) => Math.Max(1, OutboxEvents.PostsIn(@event).Count);

    /// <summary>Posts wait for the next flush; the waiter hears once every one of them is persisted (at once for those already known).</summary>
    private void Buffer(IReadOnlyList<OutboxCommands.Post> posts, Waiter waiter)
    {
        if (posts.Count == 0)
            waiter.Reply();
        foreach (var post in posts)
            if (_state.Knows(post.Id))
                waiter.Done();
            else
                _buffer.Add((post, waiter));
        if (_buffer.Count > 0 && !_flushScheduled)
        {
            _flushScheduled = true;
            Self.Tell(Flush.Instance);
        }
    }

    private void WriteBuffer()
    {
        _flushScheduled = false;
        if (_buffer.Count == 0)
            return;
        var batch = _buffer.ToList();
        _buffer.Clear();
        // Only a write that has the journal to itself forwards early: under a stream, writes overlap, each forward after its
        // commit overlaps the next commit already, and marks would double the frames (docs/benchmarks.md, session 50).
        var alone = _writing.Count == 0;
        var now = DateTimeOffset.UtcNow;
        var events = new List<OutboxEvents.Posted>(batch.Count);
        foreach (var (post, waiter) in batch)
        {
            if (_state.Knows(post.Id))
                waiter.Done();
            else if (_writing.TryGetValue(post.Id, out var waiting))
                waiting.Add(waiter); // posted again while the first is being written: answered when it is
            else
            {
                _writing[post.Id] = [waiter];
                events.Add(_state.Post(post.Id, post.To, post.Sealed, now)); // later posts in this batch follow on in sequence
            }
        }
        var touched = new HashSet<BureauCode>();
        var early = alone ? ForwardEarly(events) : [];
        var rows = InRows(events);
        var remaining = rows.Count;
        var firstRow = 0L;
        // Without holding commands back while the commit is awaited (PersistAll would): acknowledgements, queries and new
        // posts go on meanwhile, and posts flushed then go to the journal at once on SQLite (SqliteWriteJournal lets an actor
        // write again while it commits), or together once this write is done on PostgreSQL (Akka's journals keep one write
        // of an actor in flight). Their sequences were reserved above, in order.
        PersistAllAsync(rows, row =>
        {
            if (remaining == rows.Count)
                firstRow = LastSequenceNr;
            Applied(row);
            foreach (var posted in OutboxEvents.PostsIn(row))
            {
                for (var i = 0; i < posted.To.Count; i++)
                {
                    touched.Add(posted.To[i]);
                    if (!early.Contains(posted.To[i]))
                        ChannelFor(posted.To[i]).Window.TryAppend(new Parcel(posted.Sequences[i], posted.Id, posted.Sealed));
                }
                _earlyRecipients.Remove(posted.Id);
                if (_writing.Remove(posted.Id, out var waiting))
                    foreach (var waiter in waiting)
                        waiter.Done();
            }
            if (--remaining > 0)
                return;
            Audit(SentRecords(events, new AuditSource(PersistenceId, firstRow, LastSequenceNr)));
            _markDue.UnionWith(early);
            PumpSoon(touched);
        });
    }

    /// <summary>
    /// Sends newly posted envelopes while their write commits, to recipients whose inbox holds such parcels back until this
    /// outbox says it committed them (<see cref="DeliveryProtocol.Deliver.CommittedUpTo"/>, in every Deliver and in a mark of
    /// its own once the write is done): the way from sender to reader waits for one commit at a time instead of two in a row.
    /// </summary>
    /// <returns>The recipients sent to early.</returns>
    private HashSet<BureauCode> ForwardEarly(List<OutboxEvents.Posted> events)
    {
        var early = new HashSet<BureauCode>();
        if (_incarnation == 0)
            return early;
        foreach (var posted in events)
            for (var i = 0; i < posted.To.Count; i++)
            {
                var channel = ChannelFor(posted.To[i]);
                if (!channel.HoldsBack)
                    continue;
                early.Add(posted.To[i]);
                _earlyRecipients[posted.Id] = posted.To.Count;
                // One the window has no room for is read back from the journal once written.
                channel.Window.TryAppend(new Parcel(posted.Sequences[i], posted.Id, posted.Sealed));
            }
        foreach (var recipient in early)
            Pump(recipient);
        return early;
    }

    /// <summary>Tells <paramref name="recipient"/> how far this outbox has committed, unless a Deliver since has (or <paramref name="always"/>).</summary>
    private void SendMark(BureauCode recipient, bool always = false)
    {
        var channel = ChannelFor(recipient);
        var committed = _state.LastSequence(recipient);
        if (_incarnation == 0 || !always && channel.MarkSent >= committed)
            return;
        var mark = DeliverTo(recipient, []);
        if (!Send(recipient, channel, mark))
            Send(recipient, channel, mark); // the link failed: over Akka.Remote
        channel.MarkSent = committed;
    }

    private int RecipientCount(string id) => _earlyRecipients.TryGetValue(id, out var count) ? count : _state.RecipientCount(id);

    private DeliveryProtocol.Deliver DeliverTo(BureauCode recipient, IReadOnlyList<Parcel> parcels) =>
        new(_bureau, recipient, parcels, _incarnation, _resumedAfter.GetValueOrDefault(recipient), _state.LastSequence(recipient));

    /// <summary>
    /// Recipients of newly written envelopes are pumped once the mailbox has taken in what else the journal confirmed
    /// meanwhile: writes that completed together go out as one Deliver per recipient, not one each.
    /// </summary>
    private void PumpSoon(IEnumerable<BureauCode> recipients)
    {
        _pumpDue.UnionWith(recipients);
        if (_pumpDue.Count == 0 || _pumpScheduled)
            return;
        _pumpScheduled = true;
        Self.Tell(PumpDue.Instance);
    }

    private void PumpWritten()
    {
        _pumpScheduled = false;
        var due = _pumpDue.ToArray();
        _pumpDue.Clear();
        foreach (var recipient in due)
            Pump(recipient);
        // Recipients sent parcels early hear that they are committed (a Deliver the pump just sent has said so already).
        foreach (var recipient in _markDue)
            SendMark(recipient);
        _markDue.Clear();
    }

    /// <summary>
    /// The journal rows for one write: the envelopes in <see cref="OutboxEvents.PostedBatch"/> events of at most
    /// <see cref="OutboxSettings.RowBytes"/> sealed bytes each (the journal's cost is mostly per row); one alone stays a
    /// <see cref="OutboxEvents.Posted"/>.
    /// </summary>
    private List<object> InRows(List<OutboxEvents.Posted> events)
    {
        var rows = new List<object>();
        for (var start = 0; start < events.Count;)
        {
            var count = ByteBudget.Fitting(events, start, _settings.RowBytes, e => e.Sealed.Length);
            rows.Add(count == 1 ? events[start] : new OutboxEvents.PostedBatch(events.GetRange(start, count)));
            start += count;
        }
        return rows;
    }

    /// <summary>One audit entry per set of recipients in a written batch, naming every message in it.</summary>
    private static List<AuditCommands.Record> SentRecords(IReadOnlyList<OutboxEvents.Posted> written, AuditSource source)
    {
        var records = new List<AuditCommands.Record>();
        foreach (var group in written.GroupBy(p => string.Join(",", p.To), StringComparer.Ordinal))
        {
            var ids = group.Select(p => p.Id).ToArray();
            var to = string.Join(", ", group.First().To);
            records.Add(ids.Length == 1
                ? new AuditCommands.Record(AuditKinds.MessageSent, ids[0], group.Key, $"queued for {to}", Source: source)
                : new AuditCommands.Record(AuditKinds.MessageSent, null, group.Key, $"{ids.Length} queued for {to}", ids, source));
        }
        return records;
    }

    private static AuditCommands.Record ReadRecord(OutboxEvents.ReadBy e, AuditSource source) => e.Ids.Count == 1
        ? new AuditCommands.Record(AuditKinds.MessageRead, e.Ids[0], e.Recipient.Value, $"read by {e.Recipient}", Source: source)
        : new AuditCommands.Record(AuditKinds.MessageRead, null, e.Recipient.Value, $"{e.Ids.Count} read by {e.Recipient}", e.Ids, source);

    private AuditCommands.Record ResumedRecord(AuditSource source) =>
        new(AuditKinds.OutboxResumed, null, _bureau.Value, $"outbox run {source.ToSequenceNr} started", Source: source);

    /// <summary>The entries for an event the node wrote and died before recording (its delivered ids are no longer in memory).</summary>
    private IReadOnlyList<AuditCommands.Record> RecordsFor(long sequenceNr, object @event)
    {
        var source = AuditSource.Of(PersistenceId, sequenceNr);
        return @event switch
        {
            OutboxEvents.Posted or OutboxEvents.PostedBatch => SentRecords(OutboxEvents.PostsIn(@event), source),
            OutboxEvents.Delivered d => [new AuditCommands.Record(AuditKinds.MessageDelivered, null, d.Recipient.Value,
                $"persisted by {d.Recipient}, up to sequence {d.UpToSequence}", Source: source)],
            OutboxEvents.ReadBy r => [ReadRecord(r, source)],
            OutboxEvents.Resumed => [ResumedRecord(source)],
            _ => [],
        };
    }

    /// <summary>The entries one write makes, to the audit log as one write of its own.</summary>
    private void Audit(IReadOnlyList<AuditCommands.Record> records)
    {
        if (records.Count == 1)
            _audit.Tell(records[0]);
        else if (records.Count > 1)
            _audit.Tell(new AuditCommands.RecordAll(records));
    }

    private void OnAccepted(DeliveryProtocol.Accepted accepted)
    {
        var recipient = accepted.Recipient;
        var channel = ChannelFor(recipient);
        channel.TakesCut = accepted.TakesCut;
        if (channel.BatchWraps != accepted.BatchWraps)
        {
            channel.BatchWraps = accepted.BatchWraps;
            Context.System.EventStream.Publish(new SealerCommands.RecipientReads(_bureau, recipient, accepted.BatchWraps));
        }
        channel.Bulk = accepted.Bulk;
        channel.HoldsBack = accepted.HoldsBack;
        if (accepted.HoldsBack && accepted.Incarnation != _incarnation)
        {
            // It counts in another run of this outbox, whose sequences past what survived it may be other messages' now: its
            // acknowledgement says nothing of this run's parcels. It hears this run's mark, and acknowledges in this run.
            SendMark(recipient, always: true);
            return;
        }
        channel.Probing = false;
        channel.LastProgress = DateTime.UtcNow;
        if (channel.SilentSince is { } silentSince && channel.SilenceReportDue is not null)
            _log.Info("Outbox of {Bureau}: {Recipient} answers again after {Silence} of silence; messages waiting for it: {Waiting}, delivered now",
                _bureau, recipient, Rounded(channel.LastProgress - silentSince), _state.LastSequence(recipient) - _state.DeliveredUpTo(recipient));
        channel.SilentSince = channel.SilenceReportDue = null;
        // An inbox that holds parcels back acknowledges them before this outbox has committed them: they count as delivered
        // once committed, and the acknowledgement that follows the mark says so.
        if (accepted.HoldsBack && accepted.UpToSequence > _state.LastSequence(recipient))
            accepted = accepted with { UpToSequence = _state.LastSequence(recipient) };
        if (accepted.HoldsBack && accepted.ConfirmedUpTo < _state.LastSequence(recipient) && accepted.UpToSequence > accepted.ConfirmedUpTo)
        {
            channel.MarkSent = Math.Min(channel.MarkSent, accepted.ConfirmedUpTo);
            SendMark(recipient);
        }
        channel.Acknowledged(accepted.UpToSequence, channel.LastProgress);
        channel.Backoff = _settings.FirstRetry;
        channel.Window.Capacity = _settings.HeldPerRecipient;
        var before = _state.DeliveredUpTo(recipient);
        if (accepted.UpToSequence <= before)
        {
            Pump(recipient);
            return;
        }
        if (accepted.UpToSequence > _state.LastSequence(recipient))
        {
            _log.Warning("Outbox of {Bureau}: {Recipient} acknowledged up to {Sequence}, beyond the last sequence sent, {LastSequence}; ignored",
                _bureau, recipient, accepted.UpToSequence, _state.LastSequence(recipient));
            return;
        }
        var delivered = channel.Window.IdsBetween(before, accepted.UpToSequence).ToList();
        PersistAsync(new OutboxEvents.Delivered(recipient, accepted.UpToSequence, DateTimeOffset.UtcNow), e =>
        {
            Applied(e);
            channel.Window.Acknowledge(e.UpToSequence);
            var source = AuditSource.Of(PersistenceId, LastSequenceNr);
            var records = new List<AuditCommands.Record>(2);
            if (delivered.Count == 1)
                records.Add(new AuditCommands.Record(AuditKinds.MessageDelivered, delivered[0], recipient.Value, $"persisted by {recipient}", Source: source));
            else if (delivered.Count > 1)
                records.Add(new AuditCommands.Record(AuditKinds.MessageDelivered, null, recipient.Value,
                    $"{delivered.Count} persisted by {recipient}, up to sequence {e.UpToSequence}", delivered, source));
            // Parcels sent before a restart of this outbox are acknowledged without their ids in memory.
            if (delivered.Count < e.UpToSequence - before)
                records.Add(new AuditCommands.Record(AuditKinds.MessageDelivered, null, recipient.Value,
                    $"{e.UpToSequence - before - delivered.Count} more persisted by {recipient}, up to sequence {e.UpToSequence}", Source: source));
            Audit(records);
            Pump(recipient);
        });
        channel.SentUpTo = Math.Max(channel.SentUpTo, accepted.UpToSequence);
    }

    /// <summary>
    /// Sends the next parcels to <paramref name="recipient"/> while fewer than <see cref="OutboxSettings.Window"/> await
    /// acknowledgement, and reads the next page back from the journal when the window has room for it.
    /// </summary>
    private void Pump(BureauCode recipient)
    {
        if (_incarnation == 0)
            return; // until this run's number is written: Resumed pumps every recipient
        var channel = ChannelFor(recipient);
        var acknowledged = _state.DeliveredUpTo(recipient);
        channel.Window.Acknowledge(acknowledged);
        channel.SentUpTo = Math.Max(channel.SentUpTo, acknowledged);
        Route(channel, acknowledged);
        while (channel.SentUpTo - acknowledged < _settings.Window && !channel.AwaitingProbe)
        {
            var parcels = channel.Window.After(channel.SentUpTo, (int)Math.Min(_settings.BatchSize, _settings.Window - (channel.SentUpTo - acknowledged)));
            if (parcels.Count == 0)
                break;
            parcels = channel.TakesCut
                ? _cuts.For(recipient, parcels, RecipientCount, _settings.DeliverBytes)
                : EnvelopeCutter.Fitting(parcels, _settings.DeliverBytes);
            if (!Send(recipient, channel, DeliverTo(recipient, parcels)))
            {
                // The link failed under this Deliver: everything unacknowledged goes again, over Akka.Remote.
                Rewind(channel, acknowledged);
                continue;
            }
            channel.SentUpTo = parcels[^1].Sequence;
            channel.MarkSent = Math.Max(channel.MarkSent, _state.LastSequence(recipient));
            channel.InFlight.Enqueue((channel.SentUpTo, DateTime.UtcNow));
        }
        ReadAhead(recipient, channel);
    }

    private void ReadAhead(BureauCode recipient, Channel channel)
    {
        var window = channel.Window;
        var last = _state.LastSequence(recipient);
        if (channel.Reading || window.LoadedUpTo >= last || window.Room < Math.Min(_settings.BatchSize, last - window.LoadedUpTo) || DateTime.UtcNow < channel.ReadNotBefore)
            return;
        if (_state.PendingOf(recipient)?.RangeFrom(window.LoadedUpTo + 1, window.Room, _settings.MaxJournalSpan) is not { } range)
            return;
        channel.Reading = true;
        var journal = Journal;
        var request = new JournalPageReader.Request(recipient, window.LoadedUpTo + 1, range.LastSequence, range.FromJournal, range.ToJournal);
        Context.ActorOf(JournalPageReader.Props(journal, PersistenceId, request), $"read-{recipient.Value}-{++_readers}");
    }

    private void OnPage(JournalPageReader.Page page)
    {
        var recipient = page.Request.Recipient;
        var channel = ChannelFor(recipient);
        channel.Reading = false;
        var taken = page.Parcels.Count(channel.Window.TryAppend);
        // Nothing fitted beside what the window holds (its bytes): the next acknowledgement makes room and reads again.
        if (page.Failure is null && taken == 0 && channel.Window.Count > 0 && page.Parcels.Count > 0
            && page.Parcels[0].Sequence == channel.Window.LoadedUpTo + 1)
            return;
        if (page.Failure is not null || taken == 0)
        {
            channel.ReadNotBefore = DateTime.UtcNow + ReadPause;
            _log.Warning("Outbox of {Bureau} read no envelope for {Recipient} at sequences {Sequences} (journal events {JournalRange}): {Failure}; trying again shortly",
                _bureau, recipient, $"{page.Request.FromSequence}–{page.Request.ToSequence}", $"{page.Request.FromJournal}–{page.Request.ToJournal}",
                page.Failure ?? $"{page.Parcels.Count} found, none next in line after {channel.Window.LoadedUpTo}");
            return;
        }
        Pump(recipient);
    }

    /// <summary>
    /// A recipient that has not acknowledged for its backoff gets the first of everything unacknowledged again, less often
    /// each time, and the rest once it acknowledges (<see cref="Channel.Probing"/>).
    /// One that stays away long enough to reach the longest backoff keeps only one batch in memory until it answers.
    /// </summary>
    private void RetryStalled()
    {
        var now = DateTime.UtcNow;
        foreach (var (recipient, channel) in _channels)
        {
            if (_state.DeliveredUpTo(recipient) >= _state.LastSequence(recipient))
            {
                channel.Window.Capacity = _settings.HeldPerRecipient;
                continue;
            }
            if (channel.Window.LoadedUpTo < _state.LastSequence(recipient) && !channel.Reading)
                ReadAhead(recipient, channel);
            if (now - channel.LastProgress < channel.StallAfter)
                continue;
            ReportSilence(recipient, channel, now);
            channel.SentUpTo = _state.DeliveredUpTo(recipient);
            channel.InFlight.Clear();
            channel.Probing = true;
            // The probe goes over Akka.Remote, which finds the recipient's inbox wherever it now runs; its acknowledgement
            // names that node's bulk channel again.
            channel.Bulk = null;
            channel.LastProgress = now;
            channel.Backoff = TimeSpan.FromTicks(Math.Min(channel.Backoff.Ticks * 2, MaxRetry.Ticks));
            channel.Window.Capacity = channel.Backoff >= MaxRetry ? _settings.BatchSize : _settings.HeldPerRecipient;
            if (!channel.Reading)
                channel.Window.Shrink(channel.Window.Capacity);
            Pump(recipient);
        }
    }

    private static readonly string SilenceWarning = "Outbox of {Bureau}: {Recipient} has not acknowledged for {Silence}; " +
        "messages waiting for it: {Waiting}, the oldest sent {OldestWaiting}; its last delivery {LastDelivered}; " +
        $"kept and tried again every {(int)MaxRetry.TotalSeconds} s for as long as it takes";

    /// <summary>A recipient found silent at a retry: reported once its silence lasts <see cref="OutboxSettings.SilenceReported"/>, then now and then.</summary>
    private void ReportSilence(BureauCode recipient, Channel channel, DateTime now)
    {
        var since = channel.SilentSince ??= channel.LastProgress;
        if (now - since < _settings.SilenceReported || now < channel.SilenceReportDue)
            return;
        channel.SilenceReportDue = now + _settings.SilenceReportedAgain;
        // The silence is what this outbox has seen since it started; the journal's own times say how long the messages have
        // waited and when the recipient last took any, which after a restart of either node is what an operator needs.
        _log.Warning(SilenceWarning, _bureau, recipient, $"{Rounded(now - since)} (since {since:u})", _state.LastSequence(recipient) - _state.DeliveredUpTo(recipient),
            _state.OldestWaitingSince(recipient)?.UtcDateTime.ToString("u") ?? "unknown", _state.LastDeliveredAt(recipient)?.UtcDateTime.ToString("u") ?? "none yet");
    }

    private static TimeSpan Rounded(TimeSpan span) => TimeSpan.FromSeconds(Math.Round(span.TotalSeconds));

    private Channel ChannelFor(BureauCode recipient)
    {
        if (!_channels.TryGetValue(recipient, out var channel))
            _channels[recipient] = channel = new Channel(_settings.HeldPerRecipient, _settings.HeldBytesPerRecipient, _settings.FirstRetry);
        return channel;
    }

    /// <summary>
    /// The way to the recipient for this pump: its node's bulk channel where it named one and a link there is up, Akka.Remote
    /// otherwise. On changing ways everything unacknowledged goes again on the new one, since what is in flight on the old one
    /// may arrive after it; the inbox takes each sequence once, in order, and skips what it already has.
    /// </summary>
    private void Route(Channel channel, long acknowledged)
    {
        // Tests that hand the outbox its inboxes keep it off the channel.
        var link = channel.Bulk is { } endpoint && _inboxOverride is null && (_bulk ??= BulkChannel.Of(Context.System)) is { } bulk
            ? channel.Link is { Broken: false } current && current.Endpoint == endpoint ? current : bulk.LinkTo(endpoint)
            : null;
        if (ReferenceEquals(link, channel.Link))
            return;
        channel.Link = link;
        Rewind(channel, acknowledged);
    }

    private static void Rewind(Channel channel, long acknowledged)
    {
        channel.SentUpTo = acknowledged;
        channel.InFlight.Clear();
    }

    /// <returns>false if the link refused it (failed, or full): the caller sends again over Akka.Remote.</returns>
    private bool Send(BureauCode recipient, Channel channel, DeliveryProtocol.Deliver deliver)
    {
        if (channel.Link is null)
        {
            InboxOf(recipient).Tell(deliver);
            if (_inboxOverride is null)
                (_bulk ??= BulkChannel.Of(Context.System))?.CountDeliverOverRemote();
            return true;
        }
        if (channel.Link.TrySend(deliver, Self))
            return true;
        channel.Link = null;
        return false;
    }

    private IActorRef InboxOf(BureauCode recipient)
    {
        var channel = ChannelFor(recipient);
        return channel.Inbox ??= _inboxOverride?.Invoke(recipient)
            ?? Context.ActorOf(SingletonProxies.To(Context.System, InboxActor.Name, recipient.Role, bufferSize: 10), "inbox-" + recipient.Value);
    }

    /// <summary>Who posted, and what they are answered once the last of their posts is persisted.</summary>
    private sealed class Waiter(IActorRef replyTo, object reply, int posts)
    {
        private int _remaining = posts;

        public void Done()
        {
            if (--_remaining == 0)
                Reply();
        }

        public void Reply() => replyTo.Tell(reply);
    }

    private sealed class Flush : INoSerializationVerificationNeeded
    {
        public static readonly Flush Instance = new();
    }

    private sealed class PumpDue : INoSerializationVerificationNeeded
    {
        public static readonly PumpDue Instance = new();
    }

    private sealed class Retry : INoSerializationVerificationNeeded
    {
        public static readonly Retry Instance = new();
    }
}
