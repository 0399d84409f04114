namespace ActorNet.Protocol.Diagnostics;

/// <summary>A round-trip probe between nodes: measures the wire path with a payload of any size.</summary>
public sealed record Probe(long Sequence, BureauCode From, DateTimeOffset SentAt, ReadOnlyMemory<byte> Payload) : IActorNetMessage;
