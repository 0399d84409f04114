using System.Security.Cryptography.X509Certificates;
using ActorNet.Protocol;
using ActorNet.Protocol.Pki;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorNet.Actors.Hosting;

/// <summary>The TLS files a process is started with: <c>--tls-cert</c>, <c>--tls-password</c>, <c>--ca</c>.</summary>
public sealed record TlsFiles(string Certificate, string? Password, string Ca)
{
    /// <summary>Reads the TLS flags: TLS, or plain TCP asked for by name with --insecure, and nothing in between.</summary>
    /// <exception cref="OptionsException">Half a TLS configuration, TLS and --insecure together, or neither.</exception>
    public static TlsFiles? FromOptions(string? certificate, string? password, string? ca, bool insecure)
    {
        if ((certificate is null) != (ca is null))
            throw new OptionsException("--tls-cert and --ca go together: give both, or --insecure for development");
        if (certificate is not null && insecure)
            throw new OptionsException("--insecure and --tls-cert exclude each other: give the certificate and --ca, or --insecure alone");
        if (certificate is null && !insecure)
            throw new OptionsException("no transport security: give --tls-cert FILE and --ca FILE (make them with actornet pki), or --insecure for development");
        return certificate is null ? null : new TlsFiles(certificate, password, ca!);
    }
}

/// <summary>
/// This process's certificate and the network CA, checked before anything starts, and the validator Akka.Remote
/// runs on every peer's certificate: only a certificate the network CA issued gets an association.
/// </summary>
public sealed class NetworkTls
{
    private NetworkTls(X509Certificate2 certificate, X509Certificate2 ca, CertificateHolder holder)
    {
        Certificate = certificate;
        Ca = ca;
        Holder = holder;
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The network CA's certificate: the one trust root.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>Whom this process's certificate names.</summary>
    public CertificateHolder Holder { get; }

    /// <summary>Loads and checks the files: readable, issued by the CA, and naming <paramref name="expected"/>.</summary>
    /// <exception cref="OptionsException">Any of them is wrong; the message names the file and why.</exception>
    public static NetworkTls Load(TlsFiles files, CertificateHolder expected)
    {
        try
        {
            var ca = NetworkTrust.LoadCaCertificate(files.Ca);
            var certificate = NetworkTrust.LoadNodeCertificate(files.Certificate, files.Password);
            var verdict = NetworkTrust.Verify(certificate, ca);
            if (!verdict.Trusted)
                throw new OptionsException($"--tls-cert {files.Certificate} is refused: {verdict.Reason}");
            if (verdict.Holder != expected)
                throw new OptionsException(expected.IsLighthouse
                    ? $"--tls-cert {files.Certificate} is issued to {verdict.Holder}, not to the Lighthouse: issue one with actornet pki issue --bureau lighthouse"
                    : $"--tls-cert {files.Certificate} is issued to {verdict.Holder}, but this node runs as --bureau {expected}: a node runs only as the bureau its certificate names");
            return new NetworkTls(certificate, ca, verdict.Holder!);
        }
        catch (PkiException e)
        {
            throw new OptionsException(e.Message);
        }
    }

    /// <summary>
    /// Whether a peer's certificate belongs to the network: issued by the network CA, and nothing else counts (the
    /// operating system's trust store and the host name are ignored on purpose). For Akka.Remote and the bulk channel alike.
    /// </summary>
    public TrustVerdict Check(X509Certificate? certificate) => certificate is null
        ? TrustVerdict.Refused("it presented no certificate")
        : NetworkTrust.Verify(certificate as X509Certificate2 ?? new X509Certificate2(certificate), Ca);

    /// <summary>Akka.Remote's validation callback, for inbound and outbound connections alike.</summary>
    public CertificateValidationCallback Validator => (certificate, _, remotePeer, _, log) =>
    {
        var verdict = Check(certificate);
        if (!verdict.Trusted)
            log.Warning("TLS: refused {0}: {1}", remotePeer, verdict.Reason);
        return verdict.Trusted;
    };
}
