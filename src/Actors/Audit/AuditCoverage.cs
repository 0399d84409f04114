using ActorNet.Protocol.Audit;

namespace ActorNet.Actors.Audit;

/// <summary>
/// Which journal events the audit log's entries record, per journal: what an actor starting again asks, to record what its
/// node died before writing (an entry is written a moment after the event it records, and a kill -9 in that moment loses it).
/// </summary>
public sealed class AuditCoverage
{
    // Per journal, the recorded ranges of sequence numbers, merged and in order: one range, once everything is recorded.
    private readonly Dictionary<string, List<(long From, long To)>> _recorded = new(StringComparer.Ordinal);
    // Entries about messages written before entries named their events: what those recorded cannot be told.
    private bool _predatesSources;
    // The same for the Secretariat's directory: key changes it recorded before its entries named its events.
    private bool _directoryPredatesSources;

    private const string DirectoryJournal = Directory.DirectoryActor.JournalId;

    private static readonly HashSet<string> MessageKinds =
        [AuditKinds.MessageSent, AuditKinds.MessageDelivered, AuditKinds.MessageReceived, AuditKinds.MessageRead];

    // Kinds the directory records. Other actors record them too, without a source (a bureau's enrolment, the directory's
    // copy on each node), but only after the directory's own entry for the same change: one of them ahead of any entry
    // naming the directory's events was written by a version whose directory named none.
    private static readonly HashSet<string> DirectoryKinds =
        [AuditKinds.KeyEnrolled, AuditKinds.KeyRotated, AuditKinds.BureauApproved, AuditKinds.KeyEnrolmentRefused];

    public void Add(AuditEntry entry)
    {
        if (entry.Source is { } source)
            Add(source);
        else if (MessageKinds.Contains(entry.Kind))
            _predatesSources = true;
        else if (DirectoryKinds.Contains(entry.Kind) && !_recorded.ContainsKey(DirectoryJournal))
            _directoryPredatesSources = true;
    }

    public void Add(AuditSource source)
    {
        if (source.ToSequenceNr < source.FromSequenceNr)
            return;
        if (!_recorded.TryGetValue(source.PersistenceId, out var ranges))
            _recorded[source.PersistenceId] = ranges = [];
        // Nearly always at the end, joining the last range: entries come in journal order.
        var at = ranges.Count;
        while (at > 0 && ranges[at - 1].From > source.FromSequenceNr)
            at--;
        ranges.Insert(at, (source.FromSequenceNr, source.ToSequenceNr));
        // The new range joins the one before it if they touch, then takes in those after it that it reaches.
        if (at > 0 && ranges[at - 1].To + 1 >= ranges[at].From)
        {
            ranges[at - 1] = (ranges[at - 1].From, Math.Max(ranges[at - 1].To, ranges[at].To));
            ranges.RemoveAt(at--);
        }
        while (at + 1 < ranges.Count && ranges[at].To + 1 >= ranges[at + 1].From)
        {
            ranges[at] = (ranges[at].From, Math.Max(ranges[at].To, ranges[at + 1].To));
            ranges.RemoveAt(at + 1);
        }
    }

    /// <summary>The inclusive ranges of events 1..<paramref name="upTo"/> of <paramref name="persistenceId"/> no entry records.</summary>
    public IReadOnlyList<(long From, long To)> Unrecorded(string persistenceId, long upTo)
    {
        _recorded.TryGetValue(persistenceId, out var ranges);
        var predates = _predatesSources || (persistenceId == DirectoryJournal && _directoryPredatesSources);
        if (ranges is not { Count: > 0 })
            return predates || upTo < 1 ? [] : [(1, upTo)];
        // A log from before entries named their events: what came before the first that does was recorded without.
        var next = predates ? ranges[0].From : 1;
        var gaps = new List<(long, long)>();
        foreach (var (from, to) in ranges)
        {
            if (next > upTo)
                break;
            if (from > next)
                gaps.Add((next, Math.Min(from - 1, upTo)));
            next = Math.Max(next, to + 1);
        }
        if (next <= upTo)
            gaps.Add((next, upTo));
        return gaps;
    }
}
