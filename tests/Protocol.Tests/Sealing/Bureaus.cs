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

    public void Dispose()
    {
        foreach (var ring in rings.Values)
            ring.Dispose();
    }
}
