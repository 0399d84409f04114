using System.Runtime.InteropServices;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// A bureau's outbox bookkeeping: per recipient, the sequence counters and where the undelivered envelopes are in the
/// journal; per message ever sent, what GET /api/messages/{id} shows. It holds no envelope bytes: those stay in the
/// journal (the actor keeps a bounded window of them per recipient), so a recipient offline for 100,000 messages costs
/// the sender its bookkeeping, about a hundred bytes a message (measured: 100 with the API's GUID ids), not the envelopes.
/// Mutable on purpose, for the same reason; only the outbox actor touches it, and Apply is its one writer of durable facts.
/// </summary>
public sealed class OutboxState
{
    private readonly Dictionary<BureauCode, Book> _books = new();
    private readonly List<Book> _bookByIndex = [];
    private readonly MessageNumbers _numberById = new();
    private readonly List<Sent> _messages = [];
    private readonly List<Slot> _slots = [];

    /// <summary>One recipient: durable counters, where its undelivered envelopes are, and sequences handed out but not yet persisted.</summary>
    private sealed class Book(BureauCode recipient, int index)
    {
        public readonly BureauCode Recipient = recipient;
        public readonly int Index = index;
        public long LastSequence;
        public long DeliveredUpTo;
        public long Reserved;
        public DateTimeOffset? LastDeliveredAt;
        public JournalRuns Pending = new();
    }

    /// <summary>One message ever sent: 16 bytes, its recipients in <see cref="_slots"/> from <see cref="FirstSlot"/> on.</summary>
    private readonly record struct Sent(long PostedAtMs, int FirstSlot, int SlotCount);

    /// <summary>One message towards one recipient: 16 bytes. Queued or delivered follows from the recipient's DeliveredUpTo.</summary>
    private record struct Slot(long Sequence, int Recipient, bool Read);

    public int MessageCount => _messages.Count;

    public long PendingCount => _books.Values.Sum(b => b.LastSequence - b.DeliveredUpTo);

    public IEnumerable<BureauCode> Recipients => _books.Keys;

    public bool Knows(string id) => _numberById.Contains(id);

    public long DeliveredUpTo(BureauCode recipient) => _books.GetValueOrDefault(recipient)?.DeliveredUpTo ?? 0;

    /// <summary>The last sequence number persisted towards <paramref name="recipient"/>.</summary>
    public long LastSequence(BureauCode recipient) => _books.GetValueOrDefault(recipient)?.LastSequence ?? 0;

    /// <summary>When <paramref name="recipient"/> last acknowledged something new (a persisted Delivered event); null if it never has.</summary>
    public DateTimeOffset? LastDeliveredAt(BureauCode recipient) => _books.GetValueOrDefault(recipient)?.LastDeliveredAt;

    /// <summary>
    /// When the oldest message still waiting for <paramref name="recipient"/> was posted; null when none waits. Looks back
    /// from the newest message, so it costs what was sent since then: for the occasional report, not for every message.
    /// </summary>
    public DateTimeOffset? OldestWaitingSince(BureauCode recipient)
    {
        if (!_books.TryGetValue(recipient, out var book) || book.LastSequence <= book.DeliveredUpTo)
            return null;
        var first = book.DeliveredUpTo + 1;
        var slots = CollectionsMarshal.AsSpan(_slots);
        for (var m = _messages.Count - 1; m >= 0; m--)
        {
            var sent = _messages[m];
            foreach (var slot in slots.Slice(sent.FirstSlot, sent.SlotCount))
                if (slot.Recipient == book.Index && slot.Sequence <= first)
                    return slot.Sequence == first ? DateTimeOffset.FromUnixTimeMilliseconds(sent.PostedAtMs) : null;
        }
        return null;
    }

    /// <summary>Where <paramref name="recipient"/>'s undelivered envelopes are in the journal.</summary>
    public JournalRuns? PendingOf(BureauCode recipient) => _books.GetValueOrDefault(recipient)?.Pending;

    /// <summary>
    /// The event that posting this envelope makes: the next sequence number towards each recipient. The sequences are
    /// reserved at once, so the next post follows on before this one is persisted; they become durable in <see cref="Apply"/>.
    /// </summary>
    public OutboxEvents.Posted Post(string id, IReadOnlyList<BureauCode> to, ReadOnlyMemory<byte> sealedEnvelope, DateTimeOffset at)
    {
        var sequences = new long[to.Count];
        for (var i = 0; i < to.Count; i++)
        {
            var book = BookOf(to[i]);
            book.Reserved = Math.Max(book.Reserved, book.LastSequence) + 1;
            sequences[i] = book.Reserved;
        }
        return new OutboxEvents.Posted(id, to, sequences, sealedEnvelope, at);
    }

    /// <summary>Applies a persisted event; <paramref name="journalSequence"/> is its position in the outbox's journal.</summary>
    public void Apply(object @event, long journalSequence)
    {
        switch (@event)
        {
            case OutboxEvents.Posted or OutboxEvents.PostedBatch:
                foreach (var p in OutboxEvents.PostsIn(@event))
                    ApplyPosted(p, journalSequence);
                break;
            case OutboxEvents.Delivered d:
                var delivered = BookOf(d.Recipient);
                delivered.DeliveredUpTo = Math.Max(delivered.DeliveredUpTo, d.UpToSequence);
                if (delivered.LastDeliveredAt is not { } last || d.At > last)
                    delivered.LastDeliveredAt = d.At;
                delivered.Pending.DropThrough(delivered.DeliveredUpTo);
                break;
            case OutboxEvents.ReadBy r:
                if (!_books.TryGetValue(r.Recipient, out var reader))
                    return;
                var slots = CollectionsMarshal.AsSpan(_slots);
                foreach (var id in r.Ids)
                {
                    if (!_numberById.TryGet(id, out var number))
                        continue;
                    var sent = _messages[number];
                    foreach (ref var slot in slots.Slice(sent.FirstSlot, sent.SlotCount))
                        if (slot.Recipient == reader.Index)
                            slot.Read = true;
                }
                break;
        }
    }

    private void ApplyPosted(OutboxEvents.Posted p, long journalSequence)
    {
        if (_numberById.Contains(p.Id))
            return;
        _numberById.Add(p.Id, _messages.Count);
        _messages.Add(new Sent(p.At.ToUnixTimeMilliseconds(), _slots.Count, p.To.Count));
        for (var i = 0; i < p.To.Count; i++)
        {
            var book = BookOf(p.To[i]);
            book.LastSequence = Math.Max(book.LastSequence, p.Sequences[i]);
            if (p.Sequences[i] > book.DeliveredUpTo)
                book.Pending.Append(p.Sequences[i], journalSequence);
            _slots.Add(new Slot(p.Sequences[i], book.Index, false));
        }
    }

    /// <summary>How many recipients the message has; 0 for one this outbox does not know.</summary>
    public int RecipientCount(string id) => _numberById.TryGet(id, out var number) ? _messages[number].SlotCount : 0;

    public OutboxQueries.MessageStatus? Status(BureauCode from, string id)
    {
        if (!_numberById.TryGet(id, out var number))
            return null;
        var sent = _messages[number];
        var to = new BureauCode[sent.SlotCount];
        var states = new OutboxQueries.RecipientState[sent.SlotCount];
        for (var i = 0; i < sent.SlotCount; i++)
        {
            var slot = _slots[sent.FirstSlot + i];
            var book = _bookByIndex[slot.Recipient];
            to[i] = book.Recipient;
            states[i] = new OutboxQueries.RecipientState(book.Recipient,
                slot.Read ? DeliveryStates.Read : slot.Sequence <= book.DeliveredUpTo ? DeliveryStates.Delivered : DeliveryStates.Queued);
        }
        return new OutboxQueries.MessageStatus(id, from, to, states, DateTimeOffset.FromUnixTimeMilliseconds(sent.PostedAtMs));
    }

    /// <summary>A copy of the durable bookkeeping, for a snapshot; reservations not yet persisted are left out.</summary>
    /// <remarks>Copies the rows only: the snapshot's columns are made from them as the snapshot store encodes it (<see cref="SnapshotColumn{TRow,T}"/>).</remarks>
    public OutboxSnapshot ToSnapshot()
    {
        var messages = _messages.ToArray();
        var slots = _slots.ToArray();
        return new OutboxSnapshot(
            _bookByIndex.Select(b => new OutboxSnapshot.RecipientBook(b.Recipient, b.LastSequence, b.DeliveredUpTo, b.Pending.Runs.ToArray(), b.LastDeliveredAt)).ToArray(),
            _numberById.CopyByNumber(messages.Length),
            SnapshotColumn.Of(messages, m => DateTimeOffset.FromUnixTimeMilliseconds(m.PostedAtMs)),
            SnapshotColumn.Of(messages, m => m.SlotCount),
            SnapshotColumn.Of(slots, s => s.Recipient),
            SnapshotColumn.Of(slots, s => s.Sequence),
            SnapshotColumn.Of(slots, s => s.Read));
    }

    public static OutboxState FromSnapshot(OutboxSnapshot snapshot)
    {
        var state = new OutboxState();
        foreach (var b in snapshot.Recipients)
        {
            var book = state.BookOf(b.Recipient);
            book.LastSequence = b.LastSequence;
            book.DeliveredUpTo = b.DeliveredUpTo;
            book.LastDeliveredAt = b.LastDeliveredAt;
            book.Pending = new JournalRuns(b.Pending);
        }
        state._messages.Capacity = snapshot.Ids.Count;
        state._slots.Capacity = snapshot.SlotRecipients.Count;
        state._numberById.AddAll(snapshot.Ids);
        var slot = 0;
        for (var i = 0; i < snapshot.Ids.Count; i++)
        {
            state._messages.Add(new Sent(snapshot.PostedAt[i].ToUnixTimeMilliseconds(), slot, snapshot.RecipientCounts[i]));
            slot += snapshot.RecipientCounts[i];
        }
        for (var i = 0; i < snapshot.SlotRecipients.Count; i++)
            state._slots.Add(new Slot(snapshot.SlotSequences[i], snapshot.SlotRecipients[i], snapshot.SlotRead[i]));
        return state;
    }

    private Book BookOf(BureauCode recipient)
    {
        if (!_books.TryGetValue(recipient, out var book))
        {
            _books[recipient] = book = new Book(recipient, _bookByIndex.Count);
            _bookByIndex.Add(book);
        }
        return book;
    }
}
