using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Tests.Notices;

/// <summary>GS and a few bureaus with real keys under a temp folder, each knowing the others', and notice documents sealed between them.</summary>
public sealed class NoticeKeys : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "actornet-notice-keys-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<BureauCode, BureauCrypto> _crypto;

    public NoticeKeys(params BureauCode[] bureaus)
    {
        _crypto = bureaus.Prepend(BureauCode.Secretariat).Distinct().ToDictionary(b => b, b => BureauCrypto.LoadOrCreate(b, Path.Combine(_folder, b.Value)));
        foreach (var (_, crypto) in _crypto)
            foreach (var (_, other) in _crypto)
                crypto.Directory.Add(other.PublicKeys);
    }

    public BureauCrypto this[BureauCode bureau] => _crypto[bureau];

    /// <summary>A document sealed by <paramref name="from"/> for <paramref name="readers"/>, as an inbox hands it over.</summary>
    public InboxEvents.Received Seal(BureauCode from, NoticeDocument document, params BureauCode[] readers)
    {
        var sealer = _crypto[from].Sealer;
        var id = NoticeEnvelopes.IdFor(document.NoticeId, document.Operation, Guid.NewGuid().ToString("N")[..8]);
        var envelope = sealer.Seal(sealer.Header(id, readers, DateTimeOffset.UtcNow, HandlingCode.H0), NoticeSealing.ToPayload(document));
        return new InboxEvents.Received(from, 1, id, envelope.ToBytes(), DateTimeOffset.UtcNow);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_folder))
            System.IO.Directory.Delete(_folder, recursive: true);
    }
}
