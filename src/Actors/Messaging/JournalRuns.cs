using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Where one recipient's undelivered envelopes are in the outbox's journal: sequence numbers towards the recipient
/// mapped to journal sequence numbers, as runs: consecutive sequences in consecutive events (one envelope an event), or
/// consecutive sequences in one event (a batch). An offline recipient's queue is a run per write at most.
/// </summary>
public sealed class JournalRuns
{
    private readonly List<OutboxSnapshot.JournalRun> _runs = [];

    public JournalRuns(IEnumerable<OutboxSnapshot.JournalRun>? runs = null)
    {
        if (runs is not null)
            _runs.AddRange(runs);
    }

    public int RunCount => _runs.Count;

    public IReadOnlyList<OutboxSnapshot.JournalRun> Runs => _runs;

    /// <summary>Sequence <paramref name="sequence"/> is in journal event <paramref name="journalSequence"/>; sequences come in increasing order.</summary>
    public void Append(long sequence, long journalSequence)
    {
        if (_runs.Count > 0)
        {
            var last = _runs[^1];
            if (sequence == last.FirstSequence + last.Count && last.Count < int.MaxValue)
            {
                var lastJournal = last.JournalOf(last.LastSequence);
                if (!last.InOneEvent && journalSequence == lastJournal + 1)
                {
                    _runs[^1] = last with { Count = last.Count + 1 };
                    return;
                }
                if (journalSequence == lastJournal && (last.InOneEvent || last.Count == 1))
                {
                    _runs[^1] = last with { Count = last.Count + 1, InOneEvent = true };
                    return;
                }
                if (journalSequence == lastJournal)
                {
                    // The run's last sequence and this one share an event (a batch follows single posts): they make a run of their own.
                    _runs[^1] = last with { Count = last.Count - 1 };
                    _runs.Add(new OutboxSnapshot.JournalRun(last.LastSequence, lastJournal, 2, InOneEvent: true));
                    return;
                }
            }
        }
        _runs.Add(new OutboxSnapshot.JournalRun(sequence, journalSequence, 1));
    }

    /// <summary>Forgets every sequence up to and including <paramref name="sequence"/>: delivered.</summary>
    public void DropThrough(long sequence)
    {
        var whole = 0;
        while (whole < _runs.Count && _runs[whole].LastSequence <= sequence)
            whole++;
        _runs.RemoveRange(0, whole);
        if (_runs.Count > 0 && _runs[0].FirstSequence <= sequence)
        {
            var head = _runs[0];
            var cut = (int)(sequence - head.FirstSequence + 1);
            _runs[0] = head with { FirstSequence = head.FirstSequence + cut, FirstJournalSequence = head.JournalOf(sequence + 1), Count = head.Count - cut };
        }
    }

    /// <summary>
    /// The journal range to read for the sequences from <paramref name="fromSequence"/> on: at most <paramref name="maxParcels"/>
    /// of them, in a range of at most <paramref name="maxJournalSpan"/> events (other recipients' events lie in between).
    /// Null when nothing at or after <paramref name="fromSequence"/> is known.
    /// </summary>
    public (long FromJournal, long ToJournal, long LastSequence)? RangeFrom(long fromSequence, int maxParcels, long maxJournalSpan)
    {
        var i = IndexOf(fromSequence);
        if (i < 0)
            return null;
        var start = Math.Max(fromSequence, _runs[i].FirstSequence);
        var fromJournal = _runs[i].JournalOf(start);
        long toJournal = fromJournal, lastSequence = start;
        var left = (long)maxParcels;
        for (; i < _runs.Count && left > 0; i++)
        {
            var run = _runs[i];
            var first = Math.Max(start, run.FirstSequence);
            var firstJournal = run.JournalOf(first);
            var room = fromJournal + maxJournalSpan - firstJournal;
            if (room <= 0)
                break;
            var take = Math.Min(left, run.LastSequence - first + 1);
            if (!run.InOneEvent)
                take = Math.Min(take, room);
            lastSequence = first + take - 1;
            toJournal = run.JournalOf(lastSequence);
            left -= take;
        }
        return (fromJournal, toJournal, lastSequence);
    }

    /// <summary>The first run that holds <paramref name="sequence"/> or anything after it; -1 when none.</summary>
    private int IndexOf(long sequence)
    {
        int low = 0, high = _runs.Count - 1, found = -1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            if (_runs[mid].LastSequence >= sequence)
            {
                found = mid;
                high = mid - 1;
            }
            else
            {
                low = mid + 1;
            }
        }
        return found;
    }
}
