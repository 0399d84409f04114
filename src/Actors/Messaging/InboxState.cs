using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Messaging;

/// <summary>What a gate says of one sealed envelope before the inbox takes it.</summary>
public sealed record GateVerdict(bool Accepted, string? Refusal)
{
    public static GateVerdict Pass { get; } = new(true, null);
    public static GateVerdict Refuse(string reason) => new(false, reason);
}

/// <summary>Checks a sealed envelope (signature against the directory, addressed to this bureau, from the claimed sender) without opening it.</summary>
public interface IEnvelopeGate
{
    GateVerdict Check(BureauCode from, Parcel parcel);
}

/// <summary>
/// A bureau's inbox: each sender's parcels once, in the order sent; refusals never enter.
/// Mutable for the same reason as <see cref="OutboxState"/>; the inbox actor is its only writer.
/// </summary>
/// <remarks>
/// Every arrival is remembered (id, sender, sequence, time, where its event is in the journal), but only the most recent
/// unread ones keep their sealed bytes in memory, up to <paramref name="recentBytes"/>: the reader usually asks for a message
/// moments after it arrived, and older or read ones are read back from the journal (<see cref="InboxPageReader"/>). Without the
/// bound, an inbox held every envelope it ever received (half a gigabyte after 100,000 messages).
/// An arrival applied without its journal position keeps its bytes: there is nowhere to read them back from.
/// </remarks>
public sealed class InboxState(long recentBytes = InboxState.DefaultRecentBytes)
{
    /// <summary>
    /// A bureau node's inbox: ~20,000 envelopes of a few KB. A reader that falls behind a burst by more than this reads every
    /// page back from the journal, which is slower than taking them from memory, so it falls further behind: with 2 MiB
    /// (~1,250 envelopes) a full feed following 60,000 messages did, and the recipient spent 12 % more CPU a message.
    /// </summary>
    public const long DefaultRecentBytes = 32 * 1024 * 1024;

    /// <summary>For a member hosting many bureaus' inboxes (a simulation), each of which keeps this much.</summary>
    public const long HostedRecentBytes = 2 * 1024 * 1024;

    private readonly Dictionary<BureauCode, long> _lastSequence = new();
    // Every arrival ever, as plain values: an inbox remembers each one for good, and objects kept that long are marked by
    // every full collection (113,000 arrivals as records with string ids were ~230,000 objects; a full collection of the
    // recipient paused it for 60-80 ms). Ids the API makes are kept as GUIDs (MessageNumbers).
    private readonly List<Arrival> _arrivals = [];
    private readonly MessageNumbers _positionById = new();
    private readonly List<BureauCode> _senders = [];
    private readonly Dictionary<BureauCode, int> _senderIndex = new();
    private readonly List<string> _otherIds = [];
    // Sealed bytes by arrival position: the recent ones (from _heldFrom on) and those with no journal position.
    private readonly Dictionary<int, ReadOnlyMemory<byte>> _bytes = new();
    // Arrivals before this position hold no bytes any more (unless they have no journal position); the ones after hold _heldBytes.
    private int _heldFrom;
    private long _heldBytes;
    // Taken and being written: the next delivery carries on after them, and their ids count as received.
    private readonly Dictionary<BureauCode, long> _takenUpTo = new();
    private readonly HashSet<string> _takenIds = new(StringComparer.Ordinal);
    // Persisted and held back, per sender in sequence order, until the sender says it committed them (SenderRun.Confirmed).
    private readonly Dictionary<BureauCode, List<HeldArrival>> _held = new();
    private readonly HashSet<string> _heldIds = new(StringComparer.Ordinal);
    private readonly Dictionary<BureauCode, SenderRun> _runs = new();

    /// <summary>An arrival persisted and not yet shown: where its event is in the journal and which run of its sender sent it.</summary>
    public sealed record HeldArrival(InboxEvents.Received Arrival, long JournalSequence, int Index, long Incarnation);

    /// <summary>What the inbox knows of one sender's outbox: its incarnation and how far it said it committed.</summary>
    public sealed class SenderRun
    {
        public long Incarnation { get; set; }
        public long Confirmed { get; set; }
        /// <summary>How far the journal holds <see cref="Confirmed"/> (in an arrival's batch or a <see cref="InboxEvents.Confirmed"/>).</summary>
        public long ConfirmedInJournal { get; set; }
    }

    /// <summary>One arrival, without references. <see cref="OtherId"/> is the index of an id that is not a GUID, or -1.</summary>
    private record struct Arrival(Guid Id, int OtherId, int Sender, long Sequence, DateTimeOffset At, long JournalSequence, bool Read);

    /// <summary>The last sequence from <paramref name="sender"/> that is persisted here, held back or not.</summary>
    public long LastSequence(BureauCode sender) =>
        _held.TryGetValue(sender, out var held) && held.Count > 0 ? held[^1].Arrival.Sequence : _lastSequence.GetValueOrDefault(sender);

    /// <summary>Whether arrivals taken by <see cref="Take"/> are still waiting for their write.</summary>
    public bool Writing => _takenIds.Count > 0;

    /// <summary>Whether arrivals from <paramref name="sender"/> taken by <see cref="Take"/> are still waiting for their write.</summary>
    public bool WritingFrom(BureauCode sender) => _takenUpTo.ContainsKey(sender);

    /// <summary>Arrivals persisted and held back, all senders together.</summary>
    public int HeldCount => _heldIds.Count;

    /// <summary>The senders some of whose arrivals are held back.</summary>
    public IEnumerable<BureauCode> HoldingFrom => _held.Where(h => h.Value.Count > 0).Select(h => h.Key);

    /// <summary>The journal position of the earliest arrival held back; <see cref="long.MaxValue"/> when none is.</summary>
    public long FirstHeldJournalSequence =>
        _held.Values.Where(h => h.Count > 0).Select(h => h[0].JournalSequence).DefaultIfEmpty(long.MaxValue).Min();

    /// <summary>Every sender whose run the inbox follows.</summary>
    public IReadOnlyDictionary<BureauCode, SenderRun> Runs => _runs;

    public SenderRun RunOf(BureauCode sender)
    {
        if (!_runs.TryGetValue(sender, out var run))
            _runs[sender] = run = new SenderRun();
        return run;
    }

    /// <summary>Keeps a persisted arrival back from the reader until its sender's mark covers it (<see cref="Release"/>).</summary>
    public void Hold(InboxEvents.Received arrival, long journalSequence, int index, long incarnation)
    {
        Settle(arrival);
        if (!_held.TryGetValue(arrival.From, out var held))
            _held[arrival.From] = held = [];
        held.Add(new HeldArrival(arrival, journalSequence, index, incarnation));
        _heldIds.Add(arrival.Id);
        var run = RunOf(arrival.From);
        run.Incarnation = Math.Max(run.Incarnation, incarnation);
    }

    /// <summary>The arrivals from <paramref name="sender"/> up to <paramref name="upTo"/> that were held back, in order, no longer held.</summary>
    public IReadOnlyList<HeldArrival> Release(BureauCode sender, long upTo)
    {
        if (!_held.TryGetValue(sender, out var held) || held.Count == 0 || held[0].Arrival.Sequence > upTo)
            return [];
        var count = 0;
        while (count < held.Count && held[count].Arrival.Sequence <= upTo)
            count++;
        var released = held.GetRange(0, count);
        held.RemoveRange(0, count);
        foreach (var h in released)
            _heldIds.Remove(h.Arrival.Id);
        return released;
    }

    /// <summary>
    /// Drops what <paramref name="sender"/>'s older incarnations sent after <paramref name="afterSequence"/>, which its outbox
    /// restarted as <paramref name="incarnation"/> without committing, and notes the new incarnation; returns the ids dropped.
    /// </summary>
    public IReadOnlyList<string> Withdraw(BureauCode sender, long incarnation, long afterSequence)
    {
        var run = RunOf(sender);
        run.Incarnation = Math.Max(run.Incarnation, incarnation);
        if (!_held.TryGetValue(sender, out var held))
            return [];
        bool NeverCommitted(HeldArrival h) => h.Incarnation < incarnation && h.Arrival.Sequence > afterSequence;
        var dropped = held.Where(NeverCommitted).Select(h => h.Arrival.Id).ToArray();
        if (dropped.Length == 0)
            return [];
        held.RemoveAll(NeverCommitted);
        _heldIds.ExceptWith(dropped);
        return dropped;
    }

    public int Count => _arrivals.Count;

    public bool WasRead(string id) => _positionById.TryGet(id, out var i) && _arrivals[i].Read;

    /// <summary>
    /// What a delivery adds: the parcels that come next in order and pass the gate. It stops at the first gap or refusal,
    /// which the sender will retry. What it takes counts from then on, before it is written, so that a delivery arriving
    /// during the write carries on after it; <see cref="Apply"/> of the written arrivals settles them.
    /// </summary>
    public (IReadOnlyList<InboxEvents.Received> Accepted, IReadOnlyList<(Parcel Parcel, string Reason)> Refused) Take(
        DeliveryProtocol.Deliver delivery, IEnvelopeGate gate, DateTimeOffset now)
    {
        var accepted = new List<InboxEvents.Received>();
        var refused = new List<(Parcel, string)>();
        var next = Math.Max(LastSequence(delivery.From), _takenUpTo.GetValueOrDefault(delivery.From)) + 1;
        var seenHere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parcel in delivery.Parcels.OrderBy(p => p.Sequence))
        {
            if (parcel.Sequence < next)
                continue; // already have it: a retry after a lost acknowledgement
            if (parcel.Sequence > next)
                break; // a gap: wait for the sender to fill it
            if (_positionById.Contains(parcel.Id) || _takenIds.Contains(parcel.Id) || _heldIds.Contains(parcel.Id) || !seenHere.Add(parcel.Id))
            {
                refused.Add((parcel, "replayed: an envelope with this id was already received"));
                break;
            }
            var verdict = gate.Check(delivery.From, parcel);
            if (!verdict.Accepted)
            {
                refused.Add((parcel, verdict.Refusal ?? "refused"));
                break;
            }
            accepted.Add(new InboxEvents.Received(delivery.From, parcel.Sequence, parcel.Id, parcel.Sealed, now));
            next++;
        }
        if (accepted.Count > 0)
        {
            _takenUpTo[delivery.From] = accepted[^1].Sequence;
            foreach (var arrival in accepted)
                _takenIds.Add(arrival.Id);
        }
        return (accepted, refused);
    }

    /// <param name="journalSequence">Where the event is in the inbox's journal; 0 when unknown (its bytes then stay in memory).</param>
    public void Apply(object @event, long journalSequence = 0)
    {
        switch (@event)
        {
            case InboxEvents.Received r:
                _lastSequence[r.From] = Math.Max(LastSequence(r.From), r.Sequence);
                var position = _arrivals.Count;
                var guid = _positionById.Add(r.Id, position);
                if (guid is null)
                    _otherIds.Add(r.Id);
                _arrivals.Add(new Arrival(guid ?? default, guid is null ? _otherIds.Count - 1 : -1, SenderIndex(r.From), r.Sequence, r.At, journalSequence, Read: false));
                if (!r.Sealed.IsEmpty)
                    _bytes[position] = r.Sealed;
                _heldBytes += r.Sealed.Length;
                ForgetOldBytes();
                Settle(r);
                break;
            case InboxEvents.ReceivedBatch batch:
                foreach (var arrival in batch.Arrivals)
                    Apply(arrival, journalSequence);
                break;
            case InboxEvents.Read r:
                foreach (var id in r.Ids)
                    if (_positionById.TryGet(id, out var i))
                    {
                        _arrivals[i] = _arrivals[i] with { Read = true };
                        ForgetReadBytes(i);
                    }
                break;
        }
    }

    /// <summary>A taken arrival is written: it no longer waits.</summary>
    private void Settle(InboxEvents.Received r)
    {
        if (_takenIds.Remove(r.Id) && _takenUpTo.GetValueOrDefault(r.From) <= r.Sequence)
            _takenUpTo.Remove(r.From);
    }

    private int SenderIndex(BureauCode sender)
    {
        if (!_senderIndex.TryGetValue(sender, out var index))
        {
            index = _senders.Count;
            _senders.Add(sender);
            _senderIndex[sender] = index;
        }
        return index;
    }

    /// <summary>The arrival at <paramref name="position"/> as its event, with its sealed bytes if they are held.</summary>
    private InboxEvents.Received ReceivedAt(int position, string? id = null)
    {
        var a = _arrivals[position];
        return new InboxEvents.Received(_senders[a.Sender], a.Sequence, id ?? IdAt(position), _bytes.GetValueOrDefault(position), a.At);
    }

    private string IdAt(int position)
    {
        var a = _arrivals[position];
        return a.OtherId >= 0 ? _otherIds[a.OtherId] : a.Id.ToString("N");
    }

    /// <summary>
    /// A read arrival gives its bytes back at once: its reader had it moments after it arrived, and reading it again is rare
    /// enough to go to the journal. Kept until read, every envelope outlived a young collection or two, and at 1,000 messages
    /// a second their copying from generation to generation and a full collection now and then were most of the
    /// recipient's pauses (docs/benchmarks.md, session 17).
    /// </summary>
    private void ForgetReadBytes(int position)
    {
        if (position >= _heldFrom && _arrivals[position].JournalSequence > 0 && _bytes.Remove(position, out var bytes))
            _heldBytes -= bytes.Length;
    }

    private void ForgetOldBytes()
    {
        while (_heldBytes > recentBytes && _heldFrom < _arrivals.Count - 1)
        {
            if (_bytes.TryGetValue(_heldFrom, out var old))
            {
                _heldBytes -= old.Length;
                if (_arrivals[_heldFrom].JournalSequence > 0)
                    _bytes.Remove(_heldFrom);
            }
            _heldFrom++;
        }
    }

    /// <summary>Sealed bytes held in memory for the most recent arrivals.</summary>
    public long HeldBytes => _heldBytes;

    /// <summary>Where in the journal this arrival's sealed bytes must be read back from; 0 when they are held here (or nowhere to read).</summary>
    public long JournalSequenceToRead(InboxEvents.Received arrival) =>
        arrival.Sealed.IsEmpty && _positionById.TryGet(arrival.Id, out var i) ? _arrivals[i].JournalSequence : 0;

    /// <summary>
    /// Arrivals after <paramref name="afterId"/> in arrival order, only those whose id <paramref name="listed"/> keeps (all
    /// when null); <c>UnknownAfterId</c> when that id was never received.
    /// </summary>
    public InboxQueries.Page After(string? afterId, int limit, Func<string, bool>? listed = null)
    {
        var start = 0;
        if (afterId is not null)
        {
            if (!_positionById.TryGet(afterId, out var position))
                return new InboxQueries.Page([], UnknownAfterId: true);
            start = position + 1;
        }
        var page = new List<InboxEvents.Received>(Math.Min(limit, Math.Max(0, _arrivals.Count - start)));
        for (var i = start; i < _arrivals.Count && page.Count < limit; i++)
        {
            var id = IdAt(i);
            if (listed is null || listed(id))
                page.Add(ReceivedAt(i, id));
        }
        return new InboxQueries.Page(page.ToArray(), false);
    }

    /// <summary>The id of the last arrival <paramref name="listed"/> keeps; null when there is none.</summary>
    public string? LastListed(Func<string, bool> listed)
    {
        for (var i = _arrivals.Count - 1; i >= 0; i--)
        {
            var id = IdAt(i);
            if (listed(id))
                return id;
        }
        return null;
    }

    /// <summary>Who sent the arrival with this id; null when none has it.</summary>
    public BureauCode? SenderOf(string id) => _positionById.TryGet(id, out var i) ? _senders[_arrivals[i].Sender] : null;

    public InboxEvents.Received? Find(string id) => _positionById.TryGet(id, out var i) ? ReceivedAt(i) : null;

    /// <summary>The bookkeeping of every written arrival, for recovery to start from (what is taken and still being written is not in it).</summary>
    /// <exception cref="InvalidOperationException">An arrival has no journal position: its bytes would be in no snapshot and no event.</exception>
    public InboxSnapshot ToSnapshot()
    {
        if (_arrivals.Exists(a => a.JournalSequence == 0))
            throw new InvalidOperationException("an arrival applied without its journal position cannot go into a snapshot: its sealed bytes are held only here");
        // The rows copied once; the columns are made from them as the snapshot store encodes it (SnapshotColumn).
        var arrivals = _arrivals.ToArray();
        var others = new Dictionary<int, string>();
        for (var i = 0; i < arrivals.Length; i++)
            if (arrivals[i].OtherId >= 0)
                others[i] = _otherIds[arrivals[i].OtherId];
        return new InboxSnapshot(_senders.ToList(), SnapshotColumn.Of(arrivals, a => a.Sender), SnapshotColumn.Of(arrivals, a => a.Sequence),
            new MessageIdColumn(Array.ConvertAll(arrivals, a => a.Id), others), SnapshotColumn.Of(arrivals, a => a.At),
            SnapshotColumn.Of(arrivals, a => a.JournalSequence), SnapshotColumn.Of(arrivals, a => a.Read));
    }

    /// <summary>An inbox as a snapshot left it: every arrival's sealed bytes are read back from the journal when asked for.</summary>
    public static InboxState FromSnapshot(InboxSnapshot snapshot, long recentBytes = DefaultRecentBytes)
    {
        // Each arrival is applied as its event was, without bytes, at its journal position; then the reads.
        var state = new InboxState(recentBytes);
        for (var i = 0; i < snapshot.ArrivalIds.Count; i++)
            state.Apply(new InboxEvents.Received(snapshot.Senders[snapshot.ArrivalSenders[i]], snapshot.ArrivalSequences[i], snapshot.ArrivalIds[i],
                ReadOnlyMemory<byte>.Empty, snapshot.ArrivedAt[i]), snapshot.JournalSequences[i]);
        state.Apply(new InboxEvents.Read(snapshot.ArrivalIds.Where((_, i) => snapshot.Read[i]).ToArray(), default));
        state._heldFrom = state._arrivals.Count; // none holds its bytes
        return state;
    }
}
