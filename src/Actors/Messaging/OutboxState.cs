using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// What a bureau's outbox holds: every posted envelope until each recipient has acknowledged it, and each message's
/// per-recipient state. Mutable on purpose: an offline recipient can have 100,000 envelopes waiting, and copying
/// that on every event would cost more than the whole delivery. Only the outbox actor touches it; Apply is its one writer.
/// </summary>
public sealed class OutboxState
{
    private readonly Dictionary<BureauCode, RecipientQueue> _queues = new();
    private readonly Dictionary<string, Message> _messages = new(StringComparer.Ordinal);

    private sealed class RecipientQueue
    {
        public long LastSequence;
        public long DeliveredUpTo;
        public readonly Queue<Parcel> Pending = new();
    }

    private sealed record Message(string Id, IReadOnlyList<BureauCode> To, DateTimeOffset At, Dictionary<BureauCode, string> States);

    public int PendingCount => _queues.Values.Sum(q => q.Pending.Count);

    public bool Knows(string id) => _messages.ContainsKey(id);

    public IEnumerable<BureauCode> Recipients => _queues.Keys;

    /// <summary>The event that posting this envelope makes: the next sequence number towards each recipient.</summary>
    public OutboxEvents.Posted Post(string id, IReadOnlyList<BureauCode> to, ReadOnlyMemory<byte> sealedEnvelope, DateTimeOffset at) =>
        new(id, to, to.Select(r => (_queues.GetValueOrDefault(r)?.LastSequence ?? 0) + 1).ToArray(), sealedEnvelope, at);

    public void Apply(object @event)
    {
        switch (@event)
        {
            case OutboxEvents.Posted p:
                var states = new Dictionary<BureauCode, string>();
                for (var i = 0; i < p.To.Count; i++)
                {
                    var queue = Queue(p.To[i]);
                    queue.LastSequence = p.Sequences[i];
                    queue.Pending.Enqueue(new Parcel(p.Sequences[i], p.Id, p.Sealed));
                    states[p.To[i]] = DeliveryStates.Queued;
                }
                _messages[p.Id] = new Message(p.Id, p.To, p.At, states);
                break;
            case OutboxEvents.Delivered d:
                var q = Queue(d.Recipient);
                q.DeliveredUpTo = Math.Max(q.DeliveredUpTo, d.UpToSequence);
                while (q.Pending.TryPeek(out var head) && head.Sequence <= q.DeliveredUpTo)
                {
                    q.Pending.Dequeue();
                    if (_messages.TryGetValue(head.Id, out var m) && m.States.GetValueOrDefault(d.Recipient) == DeliveryStates.Queued)
                        m.States[d.Recipient] = DeliveryStates.Delivered;
                }
                break;
            case OutboxEvents.ReadBy r:
                foreach (var id in r.Ids)
                    if (_messages.TryGetValue(id, out var m) && m.States.ContainsKey(r.Recipient))
                        m.States[r.Recipient] = DeliveryStates.Read;
                break;
        }
    }

    public long DeliveredUpTo(BureauCode recipient) => _queues.GetValueOrDefault(recipient)?.DeliveredUpTo ?? 0;

    public long LastSequence(BureauCode recipient) => _queues.GetValueOrDefault(recipient)?.LastSequence ?? 0;

    /// <summary>Up to <paramref name="max"/> unacknowledged parcels for <paramref name="recipient"/> after <paramref name="afterSequence"/>, in order.</summary>
    public IReadOnlyList<Parcel> Outstanding(BureauCode recipient, long afterSequence, int max) =>
        _queues.TryGetValue(recipient, out var q)
            ? q.Pending.SkipWhile(p => p.Sequence <= afterSequence).Take(max).ToArray()
            : [];

    public OutboxQueries.MessageStatus? Status(BureauCode from, string id) =>
        _messages.TryGetValue(id, out var m)
            ? new OutboxQueries.MessageStatus(m.Id, from, m.To, m.To.Select(r => new OutboxQueries.RecipientState(r, m.States[r])).ToArray(), m.At)
            : null;

    private RecipientQueue Queue(BureauCode recipient)
    {
        if (!_queues.TryGetValue(recipient, out var q))
            _queues[recipient] = q = new RecipientQueue();
        return q;
    }
}
