using ActorNet.Protocol.Audit;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorNet.Actors.Audit;

/// <summary>
/// A node's append-only, hash-chained audit log. Verification reads the entries back from the database,
/// not from memory, so an entry edited in the database is found and named.
/// </summary>
/// <remarks>
/// Entries are chained at once and written together, <see cref="DefaultLinger"/> after the first of them: a message sent
/// singly makes an entry at every step, and one journal write for each cost a node about a tenth of its CPU at 1,000 such
/// messages a second and held the messages' own writes up behind them. What is still unwritten when the node stops is
/// written by <see cref="AuditCommands.Flush"/>, which the host asks for at shutdown; what a kill -9 loses is recorded when
/// the node starts again, for the outbox's and inbox's events (entries name their events: <see cref="AuditCoverage"/>).
/// Entries that the restart records again in that way (those with a <see cref="AuditCommands.Record.Source"/>, on a node
/// whose outboxes and inboxes catch up) wait longer, <see cref="DefaultSourcedLinger"/>: fewer, larger writes, and nothing
/// lost that a kill -9 would not give back; any other entry brings the write forward to its own linger.
/// </remarks>
public sealed class AuditActor : ReceivePersistentActor, IWithTimers
{
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long entries wait when each names the journal events it records and the node records such events again after a
    /// restart: at 1,000 single sends a second, 50 ms rather than 10 (with the inbox's lingering acknowledgements) took 4–5 % off
    /// a sender's CPU (docs/benchmarks.md, session 36).
    /// </summary>
    public static readonly TimeSpan DefaultSourcedLinger = TimeSpan.FromMilliseconds(50);

    /// <summary>Entries written in one go at most; more than this waiting are written at once.</summary>
    public const int MaxWrite = 512;

    private const int MaxPage = 1000;

    /// <summary>
    /// Entries kept in memory for <see cref="AuditQueries.GetEntries"/> at least: a reader following the log's end is answered
    /// from memory, one further behind from the database. Few, because an entry kept for a page's worth (1,000-2,000 entries,
    /// a second or two at 1,000 single sends a second) outlived the young collections and was copied by two of them: most of
    /// what a sender's collections promoted (docs/benchmarks.md, session 24).
    /// </summary>
    public const int KeptInMemory = 128;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<AuditEntry> _recent = [];
    private readonly List<AuditEntry> _unwritten = [];
    private readonly TimeSpan _linger;
    private readonly TimeSpan _sourcedLinger;
    // When the write now scheduled is due (Environment.TickCount64), if one is.
    private long? _writeDueAt;
    private AuditEntry? _last;
    private readonly AuditCoverage _coverage = new();

    /// <param name="linger">How long an entry waits to be written with others.</param>
    /// <param name="sourcedLinger">How long an entry with a source waits: pass <paramref name="linger"/> where this node's
    /// outboxes and inboxes do not record their events again after a restart (<see cref="UnrecordedEventsReader.CatchesUp"/>).</param>
    public AuditActor(string nodeId, TimeSpan linger, TimeSpan sourcedLinger)
    {
        PersistenceId = "audit-" + nodeId;
        _linger = linger;
        _sourcedLinger = sourcedLinger;

        Recover<AuditEntry>(Remember);

        // The chain is extended at once; the entries go to the journal in order (PersistAllAsync keeps it), several a write.
        Command<AuditCommands.Record>(record => Append([record]));
        // Entries recorded together go in one write (one atomic write of the journal), whole or not at all.
        Command<AuditCommands.RecordAll>(all => Append(all.Records));
        Command<AuditQueries.Unrecorded>(query =>
            Sender.Tell(new AuditQueries.UnrecordedEvents(query.PersistenceId, _coverage.Unrecorded(query.PersistenceId, query.UpToSequenceNr))));
        Command<WriteDue>(_ => Write());
        Command<AuditCommands.Flush>(_ =>
        {
            Write();
            DeferAsync(_last?.Sequence ?? 0, upTo => Sender.Tell(new AuditCommands.Flushed(upTo)));
        });

        Command<AuditQueries.GetEntries>(query =>
        {
            var limit = Math.Clamp(query.Limit, 1, MaxPage);
            if (_recent.Count == 0 || query.AfterSequence + 1 >= _recent[0].Sequence)
                Sender.Tell(new AuditQueries.Entries(_recent.Where(e => e.Sequence > query.AfterSequence).Take(limit).ToArray()));
            else
                ReadOlder(query.AfterSequence, limit, Sender);
        });

        // Deferred behind entries still being written, so verification covers everything recorded before it was asked.
        Command<AuditQueries.Verify>(verify =>
        {
            Write();
            DeferAsync(verify, _ => VerifyFromDatabase(Sender));
        });
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string nodeId) => Props(nodeId, DefaultLinger, DefaultSourcedLinger);

    /// <summary>Every entry waits <paramref name="linger"/>, sourced or not.</summary>
    public static Props Props(string nodeId, TimeSpan linger) => Props(nodeId, linger, linger);

    public static Props Props(string nodeId, TimeSpan linger, TimeSpan sourcedLinger) =>
        Akka.Actor.Props.Create(() => new AuditActor(nodeId, linger, sourcedLinger));

    private void Append(IReadOnlyList<AuditCommands.Record> records)
    {
        if (_unwritten.Count + records.Count > MaxWrite)
            Write();
        var at = DateTimeOffset.UtcNow;
        var sourced = true;
        foreach (var record in records)
        {
            var entry = AuditLog.Next(_last, at, record);
            Remember(entry);
            _unwritten.Add(entry);
            sourced &= record.Source is not null;
        }
        if (_unwritten.Count >= MaxWrite)
            Write();
        else
            WriteWithin(sourced ? _sourcedLinger : _linger);
    }

    /// <summary>Schedules the write <paramref name="within"/> from now, unless one is due sooner.</summary>
    private void WriteWithin(TimeSpan within)
    {
        var dueAt = Environment.TickCount64 + (long)within.TotalMilliseconds;
        if (_writeDueAt <= dueAt)
            return;
        _writeDueAt = dueAt;
        Timers.StartSingleTimer(nameof(WriteDue), WriteDue.Instance, within);
    }

    private void Write()
    {
        Timers.Cancel(nameof(WriteDue));
        _writeDueAt = null;
        if (_unwritten.Count == 0)
            return;
        PersistAllAsync(_unwritten.ToArray(), _ => { });
        _unwritten.Clear();
    }

    private void Remember(AuditEntry entry)
    {
        _last = entry;
        _coverage.Add(entry);
        // The last page or two stay in memory, older entries are read back from the database: an entry kept for the node's
        // lifetime is promoted to the oldest generation, and every full collection marks it (at 100,000 entries, naming
        // ~270,000 message ids, such collections paused a busy node for 50-80 ms).
        _recent.Add(entry);
        if (_recent.Count >= 2 * KeptInMemory)
            _recent.RemoveRange(0, _recent.Count - KeptInMemory);
    }

    /// <summary>The entries as the database holds them: older pages and verification read from here, not from memory.</summary>
    private SqlReadJournal ReadJournal => PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);

    /// <summary>A page that starts before what memory holds: from the database, continued from memory where it joins.</summary>
    private void ReadOlder(long afterSequence, int limit, IActorRef replyTo)
    {
        var kept = _recent.Take(limit).ToArray();
        ReadJournal.CurrentEventsByPersistenceId(PersistenceId, afterSequence + 1, Math.Min(afterSequence + limit, kept[0].Sequence - 1))
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), Context.System.Materializer())
            .ContinueWith(t =>
            {
                if (!t.IsCompletedSuccessfully)
                    return (object)new Status.Failure(t.Exception?.GetBaseException() ?? new InvalidOperationException("the audit log cannot be read back"));
                var page = t.Result.OfType<AuditEntry>().ToList();
                var next = page.Count > 0 ? page[^1].Sequence + 1 : afterSequence + 1;
                if (next == kept[0].Sequence)
                    page.AddRange(kept.Take(limit - page.Count));
                return new AuditQueries.Entries(page);
            })
            .PipeTo(replyTo);
    }

    private void VerifyFromDatabase(IActorRef replyTo)
    {
        ReadJournal.CurrentEventsByPersistenceId(PersistenceId, 0, long.MaxValue)
            .Select(e => (e.SequenceNr, e.Event as AuditEntry))
            .RunWith(Sink.Seq<(long, AuditEntry?)>(), Context.System.Materializer())
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? AuditLog.Verify(t.Result)
                : new AuditQueries.Verification(false, 0, null, "the audit log cannot be read back: " + t.Exception?.GetBaseException().Message))
            .PipeTo(replyTo);
    }

    private sealed class WriteDue : INoSerializationVerificationNeeded
    {
        public static readonly WriteDue Instance = new();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Audit entry {Sequence} could not be written", sequenceNr);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
