using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorNet.Protocol.Pki;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Protocol.Directory;

/// <summary>What a node concluded of one directory entry's endorsement.</summary>
public sealed record EndorsementVerdict(bool Trusted, string Reason);

/// <summary>
/// How a node decides whether to believe a directory entry: the endorsement must be signed by a certificate the
/// network CA issued to GS, over exactly these keys. On an --insecure network (no CA) unsigned entries are accepted.
/// </summary>
/// <remarks>Thread-safe. Each distinct endorsement is checked once; the verdict is remembered.</remarks>
public sealed class DirectoryTrust
{
    private readonly X509Certificate2? ca;
    private readonly ConcurrentDictionary<string, EndorsementVerdict> verdicts = new();

    /// <param name="ca">The network CA (<c>--ca</c>); null on an --insecure network.</param>
    public DirectoryTrust(X509Certificate2? ca) => this.ca = ca;

    public static DirectoryTrust Unsigned { get; } = new(null);

    public bool RequiresSignatures => ca is not null;

    public EndorsementVerdict Check(BureauPublicKeys keys, KeyEndorsement endorsement)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(endorsement);
        if (endorsement.Bureau != keys.Bureau || endorsement.Version != keys.Version)
            return new(false, $"the endorsement is for {endorsement.Bureau} version {endorsement.Version}, not for {keys.Bureau} version {keys.Version}");
        return verdicts.GetOrAdd(endorsement.Digest(keys), _ => Verify(keys, endorsement));
    }

    private EndorsementVerdict Verify(BureauPublicKeys keys, KeyEndorsement endorsement)
    {
        if (ca is null)
            return new(true, "accepted unsigned: the network runs --insecure");
        if (!endorsement.IsSigned || endorsement.SignerCertificate.IsEmpty)
            return new(false, "it is not signed by GS, but this network has a CA: every entry must carry GS's signature");

        X509Certificate2 signer;
        try
        {
            signer = X509CertificateLoader.LoadCertificate(endorsement.SignerCertificate.Span);
        }
        catch (CryptographicException e)
        {
            return new(false, $"its signer certificate cannot be read: {e.Message.TrimEnd('.')}");
        }
        using (signer)
        {
            // Checked at the time it was signed: a GS certificate that expired since still vouches for what it signed while valid.
            var verdict = NetworkTrust.Verify(signer, ca, endorsement.At);
            if (!verdict.Trusted)
                return new(false, $"its signer is not trusted: {verdict.Reason}");
            if (verdict.Holder?.Bureau?.IsSecretariat != true)
                return new(false, $"it is signed by {signer.Subject}, a certificate for {verdict.Holder}, not for GS: only the Secretariat vouches for keys");
            using var key = signer.GetECDsaPublicKey();
            if (key is null)
                return new(false, $"{signer.Subject} has no ECDSA key");
            var signed = Canonical.Endorsement(keys, endorsement.At);
            if (!key.VerifyData(signed, endorsement.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                return new(false, $"GS's signature does not verify over these keys (fingerprint {keys.Fingerprint}): the entry was altered");
            return new(true, $"signed by {signer.Subject} ({signer.Thumbprint})");
        }
    }
}
