namespace ActorNet.Protocol.Messaging;

/// <summary>
/// A bureau's outbox bookkeeping as of one journal position: what recovery starts from instead of replaying every
/// event. It holds no envelope: those stay in the journal, where the outbox reads them back when a recipient needs them.
/// </summary>
/// <remarks>
/// Messages are kept in columns (one entry per message in <see cref="Ids"/>, <see cref="PostedAt"/> and
/// <see cref="RecipientCounts"/>; one per message and recipient in the <c>Slot</c> lists, message after message)
/// because an outbox holds every message it ever sent: a hundred thousand records would cost more than the figures.
/// </remarks>
/// <param name="Recipients">Per recipient: its sequence counters and where its undelivered envelopes are in the journal.</param>
/// <param name="SlotRecipients">Index into <paramref name="Recipients"/>.</param>
/// <param name="SlotSequences">The message's sequence number towards that recipient.</param>
/// <param name="SlotRead">Whether that recipient's reader has opened it.</param>
public sealed record OutboxSnapshot(
    IReadOnlyList<OutboxSnapshot.RecipientBook> Recipients,
    IReadOnlyList<string> Ids,
    IReadOnlyList<DateTimeOffset> PostedAt,
    IReadOnlyList<int> RecipientCounts,
    IReadOnlyList<int> SlotRecipients,
    IReadOnlyList<long> SlotSequences,
    IReadOnlyList<bool> SlotRead) : IActorNetMessage
{
    /// <param name="LastSequence">The last sequence number persisted towards this recipient.</param>
    /// <param name="DeliveredUpTo">Everything up to here is in the recipient's inbox.</param>
    /// <param name="Pending">Where the envelopes after <paramref name="DeliveredUpTo"/> are in the outbox's journal.</param>
    /// <param name="LastDeliveredAt">When the recipient last acknowledged something new; null when it never has (or the snapshot predates this).</param>
    public sealed record RecipientBook(BureauCode Recipient, long LastSequence, long DeliveredUpTo, IReadOnlyList<JournalRun> Pending,
        DateTimeOffset? LastDeliveredAt = null);

    /// <summary>
    /// Sequences <paramref name="FirstSequence"/> onwards, <paramref name="Count"/> of them, are journal events
    /// <paramref name="FirstJournalSequence"/> onwards, one after the other; or, <paramref name="InOneEvent"/>, all in that
    /// one event (a <see cref="OutboxEvents.PostedBatch"/>).
    /// </summary>
    public sealed record JournalRun(long FirstSequence, long FirstJournalSequence, int Count, bool InOneEvent = false)
    {
        /// <summary>The journal event that holds sequence <paramref name="sequence"/> of this run.</summary>
        public long JournalOf(long sequence) => InOneEvent ? FirstJournalSequence : FirstJournalSequence + (sequence - FirstSequence);

        public long LastSequence => FirstSequence + Count - 1;
    }
}
