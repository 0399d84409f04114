using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// A bureau's own private keys: the current signing key, and every agreement key it has had,
/// so that messages sealed to an old version stay readable after a rotation.
/// Also keeps the pairwise secrets derived from them, in memory only.
/// </summary>
public sealed class BureauKeyRing : IDisposable
{
    private readonly ECDsa signing;
    private readonly FrozenDictionary<int, ECDiffieHellman> agreement;
    private readonly Lock signingLock = new();
    private readonly ConcurrentDictionary<(int Own, BureauCode Peer, int PeerVersion), CachedSecret> secrets = new();

    /// <param name="agreementKeys">Every agreement key by version; the one of <paramref name="version"/> among them.</param>
    public BureauKeyRing(int version, ECDsa signingKey, IReadOnlyDictionary<int, ECDiffieHellman> agreementKeys)
    {
        if (version < 1)
            throw new ArgumentOutOfRangeException(nameof(version), version, "key versions start at 1");
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(agreementKeys);
        if (!P256.IsP256(signingKey) || agreementKeys.Values.Any(k => !P256.IsP256(k)))
            throw new ArgumentException("every key of a bureau is a P-256 key");
        if (!agreementKeys.ContainsKey(version) || agreementKeys.Keys.Any(v => v < 1 || v > version))
            throw new ArgumentException($"agreement keys run from version 1 to the current version {version}", nameof(agreementKeys));
        Version = version;
        signing = signingKey;
        agreement = agreementKeys.ToFrozenDictionary();
    }

    /// <summary>A fresh ring at version 1, for a bureau's first start.</summary>
    public static BureauKeyRing Create() =>
        new(1, ECDsa.Create(P256.Curve), new Dictionary<int, ECDiffieHellman> { [1] = ECDiffieHellman.Create(P256.Curve) });

    /// <summary>The current version: the one new envelopes are signed and sealed with.</summary>
    public int Version { get; }

    /// <summary>Every agreement key version this bureau can still open messages for.</summary>
    public IReadOnlyCollection<int> AgreementVersions => agreement.Keys;

    /// <summary>A ring at the next version: new keys, the old agreement keys kept; the old signing key is dropped since nothing needs it any more.</summary>
    public BureauKeyRing Rotate()
    {
        var keys = agreement.ToDictionary(kv => kv.Key, kv => Copy(kv.Value));
        keys[Version + 1] = ECDiffieHellman.Create(P256.Curve);
        return new BureauKeyRing(Version + 1, ECDsa.Create(P256.Curve), keys);
    }

    /// <summary>The public half of the current version, to enrol with the directory.</summary>
    public BureauPublicKeys PublicKeys(BureauCode bureau) =>
        new(bureau, Version, signing.ExportSubjectPublicKeyInfo(), agreement[Version].ExportSubjectPublicKeyInfo());

    internal string ExportSigningPem() => signing.ExportPkcs8PrivateKeyPem();

    internal string ExportAgreementPem(int version) => agreement[version].ExportPkcs8PrivateKeyPem();

    internal byte[] Sign(byte[] data)
    {
        // Whether one OpenSSL-backed key may sign on two threads at once is not documented; one signature a batch makes the lock free.
        lock (signingLock)
            return signing.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    internal bool HasAgreementKey(int version) => agreement.ContainsKey(version);

    /// <summary>ECDH between our agreement key of <paramref name="ownVersion"/> and the peer's, computed once per pair of versions.</summary>
    internal byte[] PairwiseSecret(int ownVersion, BureauPublicKeys peer)
    {
        var key = (ownVersion, peer.Bureau, peer.Version);
        if (secrets.TryGetValue(key, out var known) && known.PeerKey.AsSpan().SequenceEqual(peer.AgreementKey))
            return known.Secret;
        var own = agreement[ownVersion];
        using var peerKey = ECDiffieHellman.Create();
        peerKey.ImportSubjectPublicKeyInfo(peer.AgreementKey, out _);
        byte[] secret;
        lock (own)
            secret = own.DeriveRawSecretAgreement(peerKey.PublicKey);
        secrets[key] = new CachedSecret(peer.AgreementKey, secret);
        return secret;
    }

    public void Dispose()
    {
        foreach (var s in secrets.Values)
            CryptographicOperations.ZeroMemory(s.Secret);
        secrets.Clear();
        signing.Dispose();
        foreach (var k in agreement.Values)
            k.Dispose();
    }

    public override string ToString() => $"BureauKeyRing(version {Version})";

    private static ECDiffieHellman Copy(ECDiffieHellman key)
    {
        var copy = ECDiffieHellman.Create();
        copy.ImportParameters(key.ExportParameters(true));
        return copy;
    }

    // A class, not a record: nothing should ever print the secret.
    private sealed class CachedSecret(byte[] peerKey, byte[] secret)
    {
        public byte[] PeerKey { get; } = peerKey;
        public byte[] Secret { get; } = secret;
    }
}
