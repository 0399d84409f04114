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
public sealed class AuditActor : ReceivePersistentActor
{
    private const int MaxPage = 1000;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<AuditEntry> _recent = [];
    private AuditEntry? _last;

    public AuditActor(string nodeId)
    {
        PersistenceId = "audit-" + nodeId;

        Recover<AuditEntry>(Remember);

        // The chain is extended at once and persisted in order: PersistAsync keeps order and lets entries batch.
        Command<AuditCommands.Record>(record =>
        {
            var entry = AuditLog.Next(_last, DateTimeOffset.UtcNow, record);
            Remember(entry);
            PersistAsync(entry, _ => { });
        });

        Command<AuditQueries.GetEntries>(query =>
        {
            var limit = Math.Clamp(query.Limit, 1, MaxPage);
            Sender.Tell(new AuditQueries.Entries(_recent.Where(e => e.Sequence > query.AfterSequence).Take(limit).ToArray()));
        });

        // Deferred behind entries still being written, so verification covers everything recorded before it was asked.
        Command<AuditQueries.Verify>(verify => DeferAsync(verify, _ =>
        {
            var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            journal.CurrentEventsByPersistenceId(PersistenceId, 0, long.MaxValue)
                .Select(e => (e.SequenceNr, e.Event as AuditEntry))
                .RunWith(Sink.Seq<(long, AuditEntry?)>(), Context.System.Materializer())
                .ContinueWith(t => t.IsCompletedSuccessfully
                    ? AuditLog.Verify(t.Result)
                    : new AuditQueries.Verification(false, 0, null, "the audit log cannot be read back: " + t.Exception?.GetBaseException().Message))
                .PipeTo(Sender);
        }));
    }

    public override string PersistenceId { get; }

    public static Props Props(string nodeId) => Akka.Actor.Props.Create(() => new AuditActor(nodeId));

    private void Remember(AuditEntry entry)
    {
        _last = entry;
        // Memory stays bounded: the API pages through recent entries; verification reads the database.
        _recent.Add(entry);
        if (_recent.Count > 100_000)
            _recent.RemoveRange(0, 10_000);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Audit entry {Sequence} could not be written", sequenceNr);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
