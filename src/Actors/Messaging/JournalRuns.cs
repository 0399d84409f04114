using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Where one recipient's undelivered envelopes are in the outbox's journal: sequence numbers towards the recipient
/// mapped to journal sequence numbers, as runs of consecutive pairs. Envelopes posted in one write are one run, and
/// an offline recipient's whole queue is usually a handful of runs, whatever its length.
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

    /// <summary>Sequence <paramref name="sequence"/> is journal event <paramref name="journalSequence"/>; sequences come in increasing order.</summary>
    public void Append(long sequence, long journalSequence)
    {
        if (_runs.Count > 0)
        {
            var last = _runs[^1];
            if (sequence == last.FirstSequence + last.Count && journalSequence == last.FirstJournalSequence + last.Count && last.Count < int.MaxValue)
            {
                _runs[^1] = last with { Count = last.Count + 1 };
                return;
            }
        }
        _runs.Add(new OutboxSnapshot.JournalRun(sequence, journalSequence, 1));
    }

    /// <summary>Forgets every sequence up to and including <paramref name="sequence"/>: delivered.</summary>
    public void DropThrough(long sequence)
    {
        var whole = 0;
        while (whole < _runs.Count && _runs[whole].FirstSequence + _runs[whole].Count - 1 <= sequence)
            whole++;
        _runs.RemoveRange(0, whole);
        if (_runs.Count > 0 && _runs[0].FirstSequence <= sequence)
        {
            var head = _runs[0];
            var cut = (int)(sequence - head.FirstSequence + 1);
            _runs[0] = new OutboxSnapshot.JournalRun(head.FirstSequence + cut, head.FirstJournalSequence + cut, head.Count - cut);
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
        var fromJournal = _runs[i].FirstJournalSequence + (start - _runs[i].FirstSequence);
        long toJournal = fromJournal, lastSequence = start;
        var left = (long)maxParcels;
        for (; i < _runs.Count && left > 0; i++)
        {
            var run = _runs[i];
            var first = Math.Max(start, run.FirstSequence);
            var firstJournal = run.FirstJournalSequence + (first - run.FirstSequence);
            var room = fromJournal + maxJournalSpan - 1 - firstJournal + 1;
            if (room <= 0)
                break;
            var take = Math.Min(Math.Min(left, run.FirstSequence + run.Count - first), room);
            lastSequence = first + take - 1;
            toJournal = firstJournal + take - 1;
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
            if (_runs[mid].FirstSequence + _runs[mid].Count - 1 >= sequence)
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
