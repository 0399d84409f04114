namespace ActorNet.Protocol.Messaging;

/// <summary>What outboxes and inboxes say to each other across the cluster.</summary>
public static class DeliveryProtocol
{
    /// <summary>Parcels from <paramref name="From"/> for <paramref name="To"/>'s inbox, in sequence order; answered with <see cref="Accepted"/>.</summary>
    public sealed record Deliver(BureauCode From, BureauCode To, IReadOnlyList<Parcel> Parcels) : IWithBureauCode, IActorNetMessage
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
    public sealed record Accepted(BureauCode Recipient, BureauCode Sender, long UpToSequence, bool TakesCut = false, string? Bulk = null, bool BatchWraps = false)
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
