using ActorNet.Protocol.Sealing;

namespace ActorNet.Protocol.Tests.Sealing;

/// <summary>A few bureaus with fresh keys, all enrolled in one directory.</summary>
public sealed class Bureaus : IDisposable
{
    public static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE"), ES = new("ES");
    public static readonly DateTimeOffset At = new(2026, 11, 27, 10, 30, 15, 123, TimeSpan.Zero);

    private readonly Dictionary<BureauCode, BureauKeyRing> rings = [];

    public Bureaus(params BureauCode[] bureaus)
    {
        foreach (var bureau in bureaus.Length > 0 ? bureaus : [FR, US, DE, ES])
            Enrol(bureau, BureauKeyRing.Create());
    }

    public PublicKeyDirectory Directory { get; } = new();

    public BureauKeyRing Keys(BureauCode bureau) => rings[bureau];

    public void Enrol(BureauCode bureau, BureauKeyRing ring)
    {
        rings[bureau] = ring;
        Directory.Add(ring.PublicKeys(bureau));
    }

    public Sealer Sealer(BureauCode bureau) => new(bureau, rings[bureau], Directory);

    public Opener Opener(BureauCode bureau) => new(bureau, rings[bureau], Directory);

    public static MessagePayload Payload(string body = "Suspect boarded AF1234 to JFK at 09:40") =>
        new("Red notice follow-up", body, [new Attachment("photo.jpg", "image/jpeg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 })]);

    public EnvelopeHeader Header(BureauCode from, params BureauCode[] to) =>
        Sealer(from).Header(Guid.NewGuid().ToString("N"), to, At, HandlingCode.H1, "CASE-42");

    /// <summary>
    /// One envelope's header and keys with another's payload, signed by the sender itself: what only a broken or malicious
    /// sender makes. Its signature and key verify; its payload does not authenticate.
    /// </summary>
    public SealedEnvelope SignedWithAnotherPayload(BureauCode from, BureauCode to)
    {
        var sealer = Sealer(from);
        var envelope = sealer.Seal(Header(from, to), Payload("x"));
        var other = sealer.Seal(Header(from, to), Payload("the other body"));
        var digest = Canonical.Digest(Canonical.Header(envelope.Header), other.Payload.Span, envelope.Keys, envelope.WrapSalt);
        var (root, paths) = MerkleTree.Build([digest]);
        var signature = rings[from].Sign(Canonical.BatchToSign(from, envelope.Header.SenderKeyVersion, root));
        return new SealedEnvelope(envelope.Header, other.Payload, envelope.Keys, new BatchProof(root, 0, 1, paths[0], signature));
    }

    public void Dispose()
    {
        foreach (var ring in rings.Values)
            ring.Dispose();
    }
}
