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
    public sealed record ReceivedBatch(BureauCode From, IReadOnlyList<Parcel> Parcels, DateTimeOffset At) : IActorNetMessage
    {
        public IEnumerable<Received> Arrivals => Parcels.Select(p => new Received(From, p.Sequence, p.Id, p.Sealed, At));
    }
}
