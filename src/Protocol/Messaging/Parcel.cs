namespace ActorNet.Protocol.Messaging;

/// <summary>
/// One sealed envelope on its way from a sender's outbox to one recipient's inbox, numbered in the order sent
/// to that recipient. Delivery never looks inside: the bytes are the sealed envelope as the sender made it.
/// </summary>
public sealed record Parcel(long Sequence, string Id, ReadOnlyMemory<byte> Sealed);
