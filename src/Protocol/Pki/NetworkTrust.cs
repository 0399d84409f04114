using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorNet.Protocol.Pki;

/// <summary>What a certificate check found: trusted or not, why not, and whom the certificate names.</summary>
public sealed record TrustVerdict(bool Trusted, string Reason, CertificateHolder? Holder)
{
    public static TrustVerdict Refused(string reason, CertificateHolder? holder = null) => new(false, reason, holder);
}

/// <summary>
/// The network trusts one root, its CA: a certificate is good when it chains to that CA certificate alone,
/// whatever the operating system's trust store says, is for TLS both ways, and names a bureau or the Lighthouse.
/// </summary>
public static class NetworkTrust
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>Reads the network CA's certificate from a PEM file (<c>--ca</c>).</summary>
    /// <exception cref="PkiException">Missing, unreadable, not PEM, or not a CA certificate.</exception>
    public static X509Certificate2 LoadCaCertificate(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PkiException($"--ca {path} cannot be read: {Reason(e)}", e);
        }
        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new PkiException($"--ca {path} is not a PEM certificate (-----BEGIN CERTIFICATE-----): {Reason(e)}", e);
        }
        if (!IsCertificateAuthority(ca))
            throw new PkiException($"--ca {path} is not a CA certificate: {ca.Subject} has no CA basic constraints; give the network CA's ca.crt");
        return ca;
    }

    /// <summary>Reads this node's certificate and private key from a PKCS#12 file (<c>--tls-cert</c>).</summary>
    /// <exception cref="PkiException">Missing, unreadable, wrong password, or without a private key.</exception>
    public static X509Certificate2 LoadNodeCertificate(string path, string? password)
    {
        if (!File.Exists(path))
            throw new PkiException($"--tls-cert {path} does not exist: issue one with actornet pki issue");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password ?? "");
        }
        catch (CryptographicException e)
        {
            throw new PkiException($"--tls-cert {path} cannot be opened: {Reason(e)} (a wrong --tls-password, or not a PKCS#12 file)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PkiException($"--tls-cert {path} cannot be read: {Reason(e)}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new PkiException($"--tls-cert {path} holds no private key: a node proves its identity with it");
        return certificate;
    }

    /// <summary>Whom the certificate names (CN=FR, O=ActorNet), or null when it names no bureau nor the Lighthouse.</summary>
    public static CertificateHolder? HolderOf(X509Certificate2 certificate)
    {
        string? commonName = null, organization = null;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            switch (rdn.GetSingleElementType().Value)
            {
                case CommonNameOid: commonName ??= rdn.GetSingleElementValue(); break;
                case OrganizationOid: organization ??= rdn.GetSingleElementValue(); break;
            }
        }
        return organization == NetworkCa.Organization && CertificateHolder.TryParse(commonName, out var holder) ? holder : null;
    }

    public static bool IsCertificateAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    /// <summary>Checks <paramref name="certificate"/> against the network CA only, at <paramref name="at"/> (now by default).</summary>
    public static TrustVerdict Verify(X509Certificate2 certificate, X509Certificate2 ca, DateTimeOffset? at = null)
    {
        var holder = HolderOf(certificate);
        // The CA's own certificate chains to itself: it must never pass for a node's.
        if (IsCertificateAuthority(certificate))
            return TrustVerdict.Refused($"{certificate.Subject} is a CA certificate, not a node's", holder);

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(ca);
        policy.RevocationMode = X509RevocationMode.NoCheck; // the development CA publishes no revocation list
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
        policy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        policy.VerificationTime = (at ?? DateTimeOffset.UtcNow).UtcDateTime;
        policy.VerificationTimeIgnored = false;

        var built = chain.Build(certificate);
        var root = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
        if (!built || root is null || !root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
            return TrustVerdict.Refused(Explain(certificate, ca, chain), holder);
        if (holder is null)
            return TrustVerdict.Refused($"{certificate.Subject} names no bureau nor the Lighthouse (expected CN=<bureau code or lighthouse>, O={NetworkCa.Organization})");
        return new TrustVerdict(true, $"{certificate.Subject} is issued by the network CA", holder);
    }

    private static string Explain(X509Certificate2 certificate, X509Certificate2 ca, X509Chain chain)
    {
        var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if (status.HasFlag(X509ChainStatusFlags.PartialChain) || status.HasFlag(X509ChainStatusFlags.UntrustedRoot))
            return certificate.Issuer == ca.Subject
                ? $"{certificate.Subject} was not issued by the network CA {ca.Subject}: its issuer has that name but another key"
                : $"{certificate.Subject} was not issued by the network CA {ca.Subject} (its issuer is {certificate.Issuer})";
        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
            return $"{certificate.Subject} is not valid now: valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}";
        if (status.HasFlag(X509ChainStatusFlags.NotSignatureValid))
            return $"{certificate.Subject} carries a signature that does not verify against the network CA";
        if (status.HasFlag(X509ChainStatusFlags.NotValidForUsage))
            return $"{certificate.Subject} is not for TLS client and server authentication (extended key usage)";
        var details = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"{certificate.Subject} does not chain to the network CA: {(details.Length > 0 ? details : status.ToString())}";
    }

    private static string Reason(Exception e) => e.Message.Trim().TrimEnd('.');
}
