namespace ActorNet.Protocol.Audit;

/// <summary>Commands to a node's audit log.</summary>
public static class AuditCommands
{
    /// <summary>Appends an entry; not answered (the log is written in order, after what came before).</summary>
    /// <param name="MessageIds">Several messages one entry is about (a batch); <paramref name="MessageId"/> is then null.</param>
    /// <param name="Source">The journal events the entry records, if any: see <see cref="AuditQueries.Unrecorded"/>.</param>
    public sealed record Record(string Kind, string? MessageId, string? Peer, string Detail, IReadOnlyList<string>? MessageIds = null,
        AuditSource? Source = null);

    /// <summary>Several entries that are written together or not at all (the entries one journal write of an actor makes).</summary>
    public sealed record RecordAll(IReadOnlyList<Record> Records);

    /// <summary>Writes what has been recorded and not yet written; answered with <see cref="Flushed"/> once it is in the database.</summary>
    public sealed record Flush
    {
        public static readonly Flush Instance = new();
    }

    public sealed record Flushed(long UpToSequence);
}

public static class AuditQueries
{
    /// <summary>Entries after <paramref name="AfterSequence"/>, oldest first; answered with <see cref="Entries"/>.</summary>
    public sealed record GetEntries(long AfterSequence, int Limit);

    public sealed record Entries(IReadOnlyList<AuditEntry> Items);

    /// <summary>Re-reads the log from the database and checks the chain; answered with <see cref="Verification"/>.</summary>
    public sealed record Verify;

    /// <summary>
    /// Which of events 1 to <paramref name="UpToSequenceNr"/> of <paramref name="PersistenceId"/> no entry records yet
    /// (entries recorded and not yet written count): answered with <see cref="UnrecordedEvents"/>. An actor asks when it
    /// starts, and records what its node died before writing.
    /// </summary>
    public sealed record Unrecorded(string PersistenceId, long UpToSequenceNr);

    /// <param name="Ranges">Inclusive ranges of sequence numbers, in order; empty when every event is recorded, or when the
    /// log predates entries naming their events and has none for this journal (what it lacks then cannot be told).</param>
    public sealed record UnrecordedEvents(string PersistenceId, IReadOnlyList<(long From, long To)> Ranges);

    /// <param name="FirstBadSequence">The first entry that does not check out, or null when all do.</param>
    public sealed record Verification(bool Intact, long EntriesChecked, long? FirstBadSequence, string? Problem);
}
