namespace ActorNet.Protocol.Messaging;

/// <summary>What a bureau's outbox persists: it keeps every envelope until each recipient has acknowledged it.</summary>
public static class OutboxEvents
{
    /// <summary>An envelope accepted for sending, with its sequence number towards each recipient (same order as <paramref name="To"/>).</summary>
    public sealed record Posted(string Id, IReadOnlyList<BureauCode> To, IReadOnlyList<long> Sequences, ReadOnlyMemory<byte> Sealed, DateTimeOffset At) : IActorNetMessage;

    /// <summary><paramref name="Recipient"/> has persisted everything up to <paramref name="UpToSequence"/>.</summary>
    public sealed record Delivered(BureauCode Recipient, long UpToSequence, DateTimeOffset At) : IActorNetMessage;

    public sealed record ReadBy(BureauCode Recipient, IReadOnlyList<string> Ids, DateTimeOffset At) : IActorNetMessage;

    /// <summary>
    /// Envelopes accepted in one write, as one event (one journal row for many messages: the journal's cost is mostly per
    /// row). Recovery and the outbox see it as its <see cref="Posted"/> events in order, all at one journal position.
    /// </summary>
    public sealed record PostedBatch(IReadOnlyList<Posted> Posts) : IActorNetMessage;

    /// <summary>
    /// The outbox started again: its journal position is the outbox's incarnation (<see cref="DeliveryProtocol.Deliver.Incarnation"/>),
    /// which grows at every start, so a recipient tells what the outbox sent before a crash from what it sends now.
    /// </summary>
    public sealed record Resumed(DateTimeOffset At) : IActorNetMessage;

    /// <summary>The envelopes an outbox event posted, in order: one for <see cref="Posted"/>, all of a <see cref="PostedBatch"/>, none for the others.</summary>
    public static IReadOnlyList<Posted> PostsIn(object @event) => @event switch
    {
        Posted posted => [posted],
        PostedBatch batch => batch.Posts,
        _ => [],
    };
}

/// <summary>What a bureau's inbox persists: each envelope once, in the order each sender sent them.</summary>
public static class InboxEvents
{
    public sealed record Received(BureauCode From, long Sequence, string Id, ReadOnlyMemory<byte> Sealed, DateTimeOffset At) : IActorNetMessage;

    public sealed record Read(IReadOnlyList<string> Ids, DateTimeOffset At) : IActorNetMessage;

    /// <summary>
    /// Envelopes of one delivery from <paramref name="From"/> that the inbox refused: kept in its journal (id and reason, never
    /// the bytes, never listed) so that their audit entries are recorded after a crash too, as arrivals' are.
    /// </summary>
    public sealed record Refused(BureauCode From, IReadOnlyList<RefusedEnvelope> Envelopes, DateTimeOffset At) : IActorNetMessage;

    /// <param name="Id">The id the envelope claimed, if it had one.</param>
    public sealed record RefusedEnvelope(string? Id, string Reason);

    /// <summary>
    /// The parcels of one delivery from <paramref name="From"/> that the inbox took, in sequence order, as one event (one journal
    /// row for the batch). Recovery and the inbox see it as one <see cref="Received"/> per parcel (<see cref="Arrivals"/>).
    /// </summary>
    /// <param name="Incarnation">The sender's incarnation that sent them (<see cref="DeliveryProtocol.Deliver.Incarnation"/>); 0: all committed.</param>
    /// <param name="ConfirmedUpTo">How far the sender had said it committed when this was written: the parcels up to it are shown.</param>
    public sealed record ReceivedBatch(BureauCode From, IReadOnlyList<Parcel> Parcels, DateTimeOffset At, long Incarnation = 0, long ConfirmedUpTo = 0) : IActorNetMessage
    {
        public IEnumerable<Received> Arrivals => Parcels.Select(p => new Received(From, p.Sequence, p.Id, p.Sealed, At));
    }

    /// <summary>
    /// <paramref name="From"/> said it committed everything up to <paramref name="UpToSequence"/> and no arrival since carried it:
    /// written a moment after the last arrival, so that what the reader was shown stays shown after a restart.
    /// </summary>
    public sealed record Confirmed(BureauCode From, long Incarnation, long UpToSequence, DateTimeOffset At) : IActorNetMessage;

    /// <summary>
    /// Parcels from <paramref name="From"/> held back and never committed by it: its outbox restarted as
    /// <paramref name="Incarnation"/> after only <paramref name="AfterSequence"/>. Never shown; their sequences belong to
    /// the messages the new incarnation sends.
    /// </summary>
    public sealed record Withdrawn(BureauCode From, long Incarnation, long AfterSequence, IReadOnlyList<string> Ids, DateTimeOffset At) : IActorNetMessage;
}
