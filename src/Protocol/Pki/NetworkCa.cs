using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorNet.Protocol.Pki;

/// <summary>
/// The network's certificate authority for development and tests: one ECDSA P-256 key that issues every
/// node's certificate. Production networks bring their own CA; only its certificate reaches the nodes.
/// </summary>
public sealed class NetworkCa : IDisposable
{
    public const string CertificateFile = "ca.crt";
    public const string KeyFile = "ca.key";
    public const string Organization = "ActorNet";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private NetworkCa(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as PEM, without its key: what every node gets as <c>--ca</c>.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public static NetworkCa Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // A name of its own, so that a certificate from another development CA is told apart in every message.
        var name = $"ActorNet Network CA {now.UtcDateTime:yyyy-MM-dd} {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var request = new CertificateRequest($"CN={name}, O={Organization}", key, HashAlgorithmName.SHA256);
        // Path length 0: the CA signs node certificates only, never another CA.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new NetworkCa(request.CreateSelfSigned(now - ClockSkew, now.AddYears(10)));
    }

    /// <summary>Writes DIR/ca.crt and DIR/ca.key (owner only); an existing CA is never overwritten.</summary>
    /// <exception cref="PkiException">DIR already holds a CA, or cannot be written.</exception>
    public void Save(string directory)
    {
        var certificatePath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        foreach (var path in new[] { certificatePath, keyPath }.Where(File.Exists))
            throw new PkiException($"{path} already exists: a network has one CA, and replacing it would orphan every certificate it issued; choose another directory");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            using var key = Certificate.GetECDsaPrivateKey()!;
            PrivateFile.Write(keyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
            File.WriteAllText(certificatePath, CertificatePem + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PkiException($"cannot write the CA into {directory}: {e.Message}", e);
        }
    }

    /// <summary>Reads DIR/ca.crt and DIR/ca.key, written by <see cref="Save"/>.</summary>
    /// <exception cref="PkiException">A file is missing, unreadable, or the key does not match the certificate.</exception>
    public static NetworkCa Load(string directory)
    {
        var certificatePath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        foreach (var path in new[] { certificatePath, keyPath }.Where(p => !File.Exists(p)))
            throw new PkiException($"{path} does not exist: make a CA with actornet pki init --out {directory}");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new PkiException($"the CA in {directory} cannot be read ({e.Message.TrimEnd('.')}): {CertificateFile} must be a PEM certificate and {KeyFile} its PEM PKCS#8 key", e);
        }
        if (!NetworkTrust.IsCertificateAuthority(certificate))
            throw new PkiException($"{certificatePath} is not a CA certificate (no CA basic constraints)");
        return new NetworkCa(certificate);
    }

    /// <summary>A certificate for a bureau's node or the Lighthouse, valid two years, for TLS in both directions.</summary>
    public X509Certificate2 Issue(CertificateHolder holder, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN={holder.Name}, O={Organization}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Every node both accepts and opens Akka.Remote connections, so it is a TLS server and a TLS client.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(NetworkTrust.ServerAuthOid), new Oid(NetworkTrust.ClientAuthOid)], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(holder.DnsName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number, as RFC 5280 asks
        var notAfter = now.AddYears(2);
        if (notAfter > Certificate.NotAfter)
            notAfter = Certificate.NotAfter; // never outlive the CA that vouches for it
        using var issued = request.Create(Certificate, now - ClockSkew, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The node's certificate and key as PKCS#12, with the CA certificate beside it, under <paramref name="password"/>.</summary>
    public byte[] ExportPkcs12(X509Certificate2 issued, string? password)
    {
        using var ca = X509CertificateLoader.LoadCertificate(Certificate.RawData);
        var bundle = new X509Certificate2Collection { issued, ca };
        return bundle.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password ?? "");
    }

    /// <summary>Issues a certificate for <paramref name="holder"/>, writes it as a PKCS#12 file (owner only), and returns it.</summary>
    /// <exception cref="PkiException">The file cannot be written.</exception>
    public X509Certificate2 IssueTo(string path, CertificateHolder holder, string? password, DateTimeOffset now)
    {
        var issued = Issue(holder, now);
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
                System.IO.Directory.CreateDirectory(directory);
            PrivateFile.Write(path, ExportPkcs12(issued, password));
            return issued;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            issued.Dispose();
            throw new PkiException($"cannot write {path}: {e.Message}", e);
        }
    }

    public void Dispose() => Certificate.Dispose();
}

/// <summary>Writes files that hold private keys: readable and writable by their owner only, from the first byte.</summary>
internal static class PrivateFile
{
    public static void Write(string path, byte[] content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
            stream.Write(content);
        // UnixCreateMode applies only to a new file: an existing one keeps its mode unless it is set here.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
