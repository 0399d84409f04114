using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;

namespace ActorNet.Actors.Tests;

/// <summary>An inbox gate that admits every envelope: for tests of delivery, not of sealing.</summary>
public sealed class PassingGate : IEnvelopeGate
{
    public static readonly PassingGate Instance = new();

    public GateVerdict Check(BureauCode from, Parcel parcel) => GateVerdict.Pass;
}
