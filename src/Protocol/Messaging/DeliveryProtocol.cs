namespace ActorNet.Protocol.Messaging;

/// <summary>What outboxes and inboxes say to each other across the cluster.</summary>
public static class DeliveryProtocol
{
    /// <summary>Parcels from <paramref name="From"/> for <paramref name="To"/>'s inbox, in sequence order; answered with <see cref="Accepted"/>.</summary>
    /// <remarks>
    /// An outbox may send a parcel while its own write of it is still committing, to an inbox that holds such parcels back
    /// (<see cref="Accepted.HoldsBack"/>): the recipient persists it at once and shows it to its reader only once
    /// <paramref name="CommittedUpTo"/> covers it. A Deliver with no parcels carries only that mark.
    /// </remarks>
    /// <param name="Incarnation">Which run of the sender's outbox sent this (it grows at every restart); 0 from an older node,
    /// whose parcels are all committed.</param>
    /// <param name="ResumedAfter">The last sequence to this recipient the outbox had committed when this incarnation began:
    /// a parcel of an older incarnation after it was never committed, and the sequence now belongs to another message.</param>
    /// <param name="CommittedUpTo">The sender has committed every parcel to this recipient up to this sequence.</param>
    public sealed record Deliver(BureauCode From, BureauCode To, IReadOnlyList<Parcel> Parcels, long Incarnation = 0, long ResumedAfter = 0, long CommittedUpTo = 0)
        : IWithBureauCode, IActorNetMessage
    {
        public BureauCode Bureau => To;
    }

    /// <summary>The recipient has persisted every parcel from the sender up to and including <paramref name="UpToSequence"/>.</summary>
    /// <param name="TakesCut">The recipient's inbox opens envelopes cut down to its own wrapped key (<see cref="Sealing.SealedEnvelope.CutFor"/>);
    /// an older one does not say so, and is sent whole envelopes.</param>
    /// <param name="Bulk">Where the recipient's node takes Delivers over the bulk channel (<see cref="BulkFrame"/>), as HOST:PORT;
    /// null from an older node or one with the channel off, which is sent Delivers over Akka.Remote.</param>
    /// <param name="BatchWraps">The recipient's inbox opens envelopes whose keys are wrapped once a batch
    /// (<see cref="Sealing.SealedEnvelope.WrapSalt"/>); an older one does not say so, and is sent envelopes wrapped as before.</param>
    /// <param name="HoldsBack">The recipient's inbox holds parcels back until the sender's <see cref="Deliver.CommittedUpTo"/>
    /// covers them, so the sender may forward while it commits; an older one does not say so, and is sent committed parcels only.</param>
    /// <param name="Incarnation">The sender's incarnation this acknowledgement counts in (see <see cref="Deliver.Incarnation"/>);
    /// an outbox of another incarnation takes nothing from <paramref name="UpToSequence"/> but sends its mark.</param>
    /// <param name="ConfirmedUpTo">How far the recipient knows the sender committed: a sender that committed further says so.</param>
    public sealed record Accepted(BureauCode Recipient, BureauCode Sender, long UpToSequence, bool TakesCut = false, string? Bulk = null, bool BatchWraps = false,
        bool HoldsBack = false, long Incarnation = 0, long ConfirmedUpTo = 0)
        : IWithBureauCode, IActorNetMessage
    {
        public BureauCode Bureau => Sender;
    }

    /// <summary>The recipient's reader has opened these messages; the sender's outbox records them as read.</summary>
    public sealed record ReadReceipt(BureauCode Recipient, BureauCode Sender, IReadOnlyList<string> Ids, DateTimeOffset At) : IWithBureauCode, IActorNetMessage
    {
        public BureauCode Bureau => Sender;
    }
}
