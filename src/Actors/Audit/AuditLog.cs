using ActorNet.Protocol.Audit;

namespace ActorNet.Actors.Audit;

/// <summary>The chain's pure rules: what the next entry is, and where a stored sequence of entries stops checking out.</summary>
public static class AuditLog
{
    public static AuditEntry Next(AuditEntry? last, DateTimeOffset at, AuditCommands.Record record) =>
        AuditEntry.Create((last?.Sequence ?? 0) + 1, at, record.Kind, record.MessageId, record.Peer, record.Detail, last?.Hash ?? AuditEntry.Genesis, record.MessageIds,
            record.Source);

    /// <summary>Checks entries read back from storage, in journal order; <paramref name="stored"/> yields null for an entry that does not decode.</summary>
    public static AuditQueries.Verification Verify(IEnumerable<(long JournalSequence, AuditEntry? Entry)> stored)
    {
        var previousHash = AuditEntry.Genesis;
        long expected = 1, count = 0;
        foreach (var (journalSequence, entry) in stored)
        {
            count++;
            if (entry is null)
                return Broken(count, journalSequence, "the stored entry does not decode: it was altered");
            if (entry.Sequence != expected)
                return Broken(count, expected, $"entry {expected} is missing (found {entry.Sequence} next): entries were removed");
            if (entry.PreviousHash != previousHash)
                return Broken(count, entry.Sequence, "it does not follow the entry before it: an entry was altered or removed");
            if (!entry.HashIsValid)
                return Broken(count, entry.Sequence, "its content no longer matches its hash: it was altered");
            previousHash = entry.Hash;
            expected++;
        }
        return new AuditQueries.Verification(true, count, null, null);
    }

    private static AuditQueries.Verification Broken(long checkedCount, long sequence, string problem) =>
        new(false, checkedCount, sequence, $"audit entry {sequence}: {problem}");
}
