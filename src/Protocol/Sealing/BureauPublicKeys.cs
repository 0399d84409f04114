using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>One version of a bureau's public keys, as the directory publishes them.</summary>
/// <param name="SigningKey">ECDSA P-256 public key, SubjectPublicKeyInfo DER.</param>
/// <param name="AgreementKey">ECDH P-256 public key, SubjectPublicKeyInfo DER.</param>
public sealed record BureauPublicKeys(BureauCode Bureau, int Version, byte[] SigningKey, byte[] AgreementKey) : IActorNetMessage, IWithBureauCode
{
    public BureauCode Bureau { get; } = Bureau ?? throw new ArgumentNullException(nameof(Bureau));

    public int Version { get; } = Version >= 1 ? Version : throw new ArgumentOutOfRangeException(nameof(Version), Version, "key versions start at 1");

    public byte[] SigningKey { get; } = P256.CheckPublicKey(SigningKey, nameof(SigningKey));

    public byte[] AgreementKey { get; } = P256.CheckPublicKey(AgreementKey, nameof(AgreementKey));

    /// <summary>Lowercase hex SHA-256 of the signing key's SubjectPublicKeyInfo: what operators compare out of band.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(SigningKey));

    public bool Equals(BureauPublicKeys? other) =>
        other is not null && Bureau == other.Bureau && Version == other.Version
        && SigningKey.AsSpan().SequenceEqual(other.SigningKey) && AgreementKey.AsSpan().SequenceEqual(other.AgreementKey);

    public override int GetHashCode() => HashCode.Combine(Bureau, Version, Fingerprint);
}

/// <summary>The one curve ActorNet uses, and the checks that keep other keys out.</summary>
internal static class P256
{
    public static readonly ECCurve Curve = ECCurve.NamedCurves.nistP256;

    public static byte[] CheckPublicKey(byte[]? spki, string parameter)
    {
        ArgumentNullException.ThrowIfNull(spki, parameter);
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length || !IsP256(key))
                throw new ArgumentException("not a P-256 public key", parameter);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"not a P-256 public key: {e.Message}", parameter, e);
        }
        return spki;
    }

    public static bool IsP256(ECAlgorithm key) => key.ExportParameters(false).Curve.Oid?.Value == Curve.Oid.Value;
}
