namespace ActorNet.Protocol.Audit;

/// <summary>Commands to a node's audit log.</summary>
public static class AuditCommands
{
    /// <summary>Appends an entry; not answered (the log is written in order, after what came before).</summary>
    /// <param name="MessageIds">Several messages one entry is about (a batch); <paramref name="MessageId"/> is then null.</param>
    public sealed record Record(string Kind, string? MessageId, string? Peer, string Detail, IReadOnlyList<string>? MessageIds = null);

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

    /// <param name="FirstBadSequence">The first entry that does not check out, or null when all do.</param>
    public sealed record Verification(bool Intact, long EntriesChecked, long? FirstBadSequence, string? Problem);
}
