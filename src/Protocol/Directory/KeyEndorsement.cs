using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Protocol.Directory;

/// <summary>
/// The Secretariat's word that one version of a bureau's public keys is that bureau's and approved, signed by a GS node
/// with the key of its CA-issued certificate, which travels with it: any node checks it against the network CA alone.
/// </summary>
/// <param name="Signature">ECDSA P-256 (IEEE P1363) over the keys and <paramref name="At"/>; empty on an --insecure network.</param>
/// <param name="SignerCertificate">The signing GS node's certificate (DER); empty on an --insecure network.</param>
public sealed record KeyEndorsement(BureauCode Bureau, int Version, DateTimeOffset At, ReadOnlyMemory<byte> Signature, ReadOnlyMemory<byte> SignerCertificate)
{
    // The wire and the signature carry milliseconds.
    public DateTimeOffset At { get; } = DateTimeOffset.FromUnixTimeMilliseconds(At.ToUnixTimeMilliseconds());

    public bool IsSigned => !Signature.IsEmpty;

    /// <summary>A short, stable name for this endorsement of these keys: the same only when keys, time, signature and signer are.</summary>
    public string Digest(BureauPublicKeys keys)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Canonical.Endorsement(keys, At));
        hash.AppendData(Signature.Span);
        hash.AppendData(SignerCertificate.Span);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>Endorses bureaus' keys for the directory: with a GS node's certificate, or unsigned on an --insecure network.</summary>
public sealed class DirectorySigner
{
    private readonly X509Certificate2? certificate;
    private readonly ECDsa? key;

    /// <param name="certificate">This GS node's certificate with its private key, as issued by the network CA; null for --insecure.</param>
    public DirectorySigner(X509Certificate2? certificate)
    {
        if (certificate is null)
            return;
        key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"{certificate.Subject} has no ECDSA private key to sign the directory with", nameof(certificate));
        this.certificate = certificate;
    }

    public static DirectorySigner Unsigned { get; } = new(null);

    public bool Signs => certificate is not null;

    /// <summary>Who signs, for logs: the certificate's subject and thumbprint.</summary>
    public string Describe() => certificate is null ? "nobody (--insecure: entries go unsigned)" : $"{certificate.Subject} ({certificate.Thumbprint})";

    public KeyEndorsement Endorse(BureauPublicKeys keys, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var endorsement = new KeyEndorsement(keys.Bureau, keys.Version, at, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);
        if (key is null)
            return endorsement;
        byte[] signature;
        lock (key)
            signature = key.SignData(Canonical.Endorsement(keys, endorsement.At), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new KeyEndorsement(keys.Bureau, keys.Version, endorsement.At, signature, certificate!.RawData);
    }
}
