using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Actors.Audit;

/// <summary>
/// Reads back what a persistent actor's node died before recording in the audit log: the actor asks the log which of its
/// events no entry records (<see cref="AuditQueries.Unrecorded"/>) once it has recovered, and this hands each of those events
/// back to it (<see cref="Unrecorded"/>), which records it as it did when it wrote it (<see cref="Record"/>).
/// </summary>
public sealed class UnrecordedEventsReader : JournalRangeReader
{
    /// <summary>What an entry recorded after a restart says after its usual words.</summary>
    public const string AfterRestart = " (recorded after a restart: the node stopped before writing it)";

    /// <summary>An event of the parent's that no audit entry records.</summary>
    public sealed record Unrecorded(long SequenceNr, object Event) : INoSerializationVerificationNeeded;

    /// <summary>A range read back whole (after its <see cref="Unrecorded"/> events): the parent records <see cref="RangeRecord"/>.</summary>
    public sealed record RangeRead(string PersistenceId, long From, long To, long Events) : INoSerializationVerificationNeeded;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _persistenceId;
    private readonly (long From, long To) _range;
    private long _read;

    public UnrecordedEventsReader(IActorRef journal, string persistenceId, (long From, long To) range)
        : base(journal, persistenceId, range.From, range.To) => (_persistenceId, _range) = (persistenceId, range);

    /// <summary>
    /// On where the journal is this node's alone (the hosting sets it on SQLite: a file no other node writes). GS nodes that
    /// share a database hand the Secretariat's outbox and inbox between them, and one node's log cannot tell another node's
    /// events from its own lost ones; on a journal of its own every event of theirs there was written by this node.
    /// </summary>
    public const string OwnJournalSetting = "actornet.audit.own-journal";

    /// <summary>
    /// Asks <paramref name="audit"/>, from an outbox or inbox that has just recovered, which of its events no entry records
    /// yet; the answer (<see cref="AuditQueries.UnrecordedEvents"/>) goes to the actor, which hands it to <see cref="ReadAll"/>.
    /// The Secretariat's ask only on a journal of the node's own (<see cref="OwnJournalSetting"/>).
    /// </summary>
    public static void Ask(IActorContext context, IActorRef audit, BureauCode bureau, string persistenceId, long lastSequenceNr)
    {
        if (lastSequenceNr > 0 && CatchesUp(context.System, bureau))
            audit.Tell(new AuditQueries.Unrecorded(persistenceId, lastSequenceNr), context.Self);
    }

    /// <summary>Whether <paramref name="bureau"/>'s outbox and inbox record again, after a restart, what their node died before recording.</summary>
    public static bool CatchesUp(ActorSystem system, BureauCode bureau) =>
        !bureau.IsSecretariat || system.Settings.Config.GetBoolean(OwnJournalSetting, false);

    /// <summary>Starts a reader per range the audit log answered with, as children of the asking actor.</summary>
    public static void ReadAll(IActorContext context, IActorRef journal, AuditQueries.UnrecordedEvents unrecorded)
    {
        if (unrecorded.Ranges.Count == 0)
            return;
        context.GetLogger().Info("Audit: {Count} events of {PersistenceId} have no entry in the audit log yet (the node stopped before writing it): recording them now",
            unrecorded.Ranges.Sum(r => r.To - r.From + 1), unrecorded.PersistenceId);
        foreach (var range in unrecorded.Ranges)
            context.ActorOf(Props.Create(() => new UnrecordedEventsReader(journal, unrecorded.PersistenceId, range)), $"audit-{range.From}-{range.To}");
    }

    /// <summary>Records an event handed back: the entries it makes, as one write, each marked as recorded after a restart.</summary>
    public static void Record(IActorRef audit, IReadOnlyList<AuditCommands.Record> records)
    {
        if (records.Count > 0)
            audit.Tell(new AuditCommands.RecordAll(records.Select(r => r with { Detail = r.Detail + AfterRestart }).ToArray()));
    }

    protected override void Replayed(object @event)
    {
        Context.Parent.Tell(new Unrecorded(SequenceNr, @event));
        _read++;
    }

    /// <summary>
    /// The entry that closes a range read back: it names the whole range as recorded, events that make no entry of their own
    /// included (an inbox's notice hand-over marks), so that the next start does not read them again.
    /// </summary>
    public static AuditCommands.Record RangeRecord(RangeRead range) =>
        new(AuditKinds.AuditRecovered, null, null,
            $"events {range.From}-{range.To} of {range.PersistenceId} recorded after a restart ({range.Events} read back from its journal)",
            Source: new AuditSource(range.PersistenceId, range.From, range.To));

    protected override void Finished(string? failure)
    {
        if (failure is null)
            Context.Parent.Tell(new RangeRead(_persistenceId, _range.From, _range.To, _read));
        else
            _log.Error("Audit: events of {PersistenceId} could not be read back to be recorded ({Read} were): {Failure}; the rest are asked for again at the next start",
                _persistenceId, _read, failure);
    }
}
