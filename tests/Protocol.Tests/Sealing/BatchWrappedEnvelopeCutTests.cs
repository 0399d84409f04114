namespace ActorNet.Protocol.Tests.Sealing;

/// <summary>Every cutting test again with the keys wrapped once a batch: the salt goes with every cut, and is covered in both leaves.</summary>
public sealed class BatchWrappedEnvelopeCutTests : EnvelopeCutTests
{
    protected override Func<BureauCode, bool>? ReadsBatchWraps => _ => true;
}
