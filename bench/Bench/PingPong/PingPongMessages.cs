using ActorNet.Protocol;
using ActorNet.Protocol.Diagnostics;

namespace ActorNet.Bench.PingPong;

/// <summary>Probe's shape as a plain record, for Akka's default JSON serializer: strings and arrays, which Newtonsoft handles.</summary>
public sealed record JsonProbe(long Sequence, string From, DateTimeOffset SentAt, byte[] Payload);

/// <summary>The three messages compared: the same 1 KiB payload through three serializers.</summary>
public sealed record PingPongVariant(string Name, string Description, object Message)
{
    public const int PayloadBytes = 1024;

    public static IReadOnlyList<PingPongVariant> All()
    {
        var payload = new byte[PayloadBytes];
        new Random(42).NextBytes(payload);
        var sentAt = DateTimeOffset.UtcNow;
        return
        [
            new("a-bytes", "raw 1 KiB byte[] (Akka ByteArraySerializer)", payload.Clone()),
            new("b-probe", "Probe with 1 KiB payload (ActorNetSerializer over WireFormat)", new Probe(1, new BureauCode("FR"), sentAt, payload.ToArray())),
            new("c-json", "equivalent record (Akka default JSON serializer)", new JsonProbe(1, "FR", sentAt, payload.ToArray())),
        ];
    }
}
