namespace ActorNet.Protocol.Messaging;

/// <summary>
/// An inbox's bookkeeping at one point of its journal, so that recovery replays only what came after it: every arrival's
/// sender, sequence, id and time, the journal event its sealed bytes are in, and whether its reader has read it. No sealed
/// bytes: they stay in the journal's events and are read back when a reader asks for them. Columns rather than one record
/// per arrival, as <see cref="OutboxSnapshot"/>: an inbox of a million messages is one snapshot of a few tens of megabytes.
/// </summary>
/// <param name="Senders">Each sender once; <paramref name="ArrivalSenders"/> points into it.</param>
public sealed record InboxSnapshot(
    IReadOnlyList<BureauCode> Senders,
    IReadOnlyList<int> ArrivalSenders,
    IReadOnlyList<long> ArrivalSequences,
    IReadOnlyList<string> ArrivalIds,
    IReadOnlyList<DateTimeOffset> ArrivedAt,
    IReadOnlyList<long> JournalSequences,
    IReadOnlyList<bool> Read) : IActorNetMessage;
