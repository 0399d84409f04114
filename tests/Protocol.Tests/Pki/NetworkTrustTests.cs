using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorNet.Protocol.Pki;
using Xunit;

namespace ActorNet.Protocol.Tests.Pki;

public sealed class NetworkTrustTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly CertificateHolder France = CertificateHolder.For(new BureauCode("FR"));
    private readonly NetworkCa _ca = NetworkCa.Create(Now);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actornet-trust-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        _ca.Dispose();
        if (System.IO.Directory.Exists(_directory))
            System.IO.Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_certificate_the_network_CA_issued_is_trusted_and_names_its_bureau()
    {
        using var issued = _ca.Issue(France, Now);

        var verdict = NetworkTrust.Verify(issued, PublicPart(_ca));

        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal(France, verdict.Holder);
    }

    [Fact]
    public void A_certificate_from_another_CA_is_refused_naming_its_issuer()
    {
        using var other = NetworkCa.Create(Now);
        using var stranger = other.Issue(France, Now);

        var verdict = NetworkTrust.Verify(stranger, PublicPart(_ca));

        Assert.False(verdict.Trusted);
        Assert.Contains("was not issued by the network CA", verdict.Reason);
    }

    [Fact]
    public void An_expired_certificate_is_refused_with_its_validity()
    {
        using var issued = _ca.Issue(France, Now);

        var verdict = NetworkTrust.Verify(issued, PublicPart(_ca), Now.AddYears(3));

        Assert.False(verdict.Trusted);
        Assert.Contains("is not valid now", verdict.Reason);
    }

    [Fact]
    public void The_CA_certificate_itself_never_passes_for_a_node()
    {
        var verdict = NetworkTrust.Verify(PublicPart(_ca), PublicPart(_ca));

        Assert.False(verdict.Trusted);
        Assert.Contains("is a CA certificate", verdict.Reason);
    }

    [Fact]
    public void A_certificate_without_TLS_usages_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=FR, O=ActorNet", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], false)); // e-mail only
        using var mail = request.Create(_ca.Certificate, Now.AddMinutes(-1), Now.AddYears(1), [1, 2, 3]);

        var verdict = NetworkTrust.Verify(mail, PublicPart(_ca));

        Assert.False(verdict.Trusted);
        Assert.Contains("TLS client and server", verdict.Reason);
    }

    [Fact]
    public void A_certificate_that_names_no_bureau_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ZZ, O=ActorNet", key, HashAlgorithmName.SHA256);
        using var nameless = request.Create(_ca.Certificate, Now.AddMinutes(-1), Now.AddYears(1), [4, 5, 6]);

        var verdict = NetworkTrust.Verify(nameless, PublicPart(_ca));

        Assert.False(verdict.Trusted);
        Assert.Null(verdict.Holder);
        Assert.Contains("names no bureau nor the Lighthouse", verdict.Reason);
    }

    [Theory]
    [InlineData("CN=FR, O=ActorNet", "FR")]
    [InlineData("CN=lighthouse, O=ActorNet", "lighthouse")]
    [InlineData("CN=FR, O=Someone Else", null)]
    [InlineData("CN=France, O=ActorNet", null)]
    public void The_holder_is_read_from_CN_and_O(string subject, string? expected)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(Now, Now.AddDays(1));

        Assert.Equal(expected, NetworkTrust.HolderOf(certificate)?.Name);
    }

    [Fact]
    public void The_CA_file_must_be_a_readable_PEM_CA_certificate()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var missing = Path.Combine(_directory, "none.crt");
        Assert.Contains("cannot be read", Assert.Throws<PkiException>(() => NetworkTrust.LoadCaCertificate(missing)).Message);

        var garbage = Path.Combine(_directory, "garbage.crt");
        File.WriteAllText(garbage, "not a certificate");
        Assert.Contains("is not a PEM certificate", Assert.Throws<PkiException>(() => NetworkTrust.LoadCaCertificate(garbage)).Message);

        var leaf = Path.Combine(_directory, "leaf.crt");
        using (var issued = _ca.Issue(France, Now))
            File.WriteAllText(leaf, issued.ExportCertificatePem());
        Assert.Contains("is not a CA certificate", Assert.Throws<PkiException>(() => NetworkTrust.LoadCaCertificate(leaf)).Message);

        var good = Path.Combine(_directory, "ca.crt");
        File.WriteAllText(good, _ca.CertificatePem);
        using var loaded = NetworkTrust.LoadCaCertificate(good);
        Assert.False(loaded.HasPrivateKey);
    }

    [Fact]
    public void A_missing_or_foreign_certificate_file_is_refused_clearly()
    {
        System.IO.Directory.CreateDirectory(_directory);
        Assert.Contains("does not exist", Assert.Throws<PkiException>(() => NetworkTrust.LoadNodeCertificate(Path.Combine(_directory, "x.p12"), null)).Message);
        var pem = Path.Combine(_directory, "ca.p12");
        File.WriteAllText(pem, _ca.CertificatePem);
        Assert.Contains("cannot be opened", Assert.Throws<PkiException>(() => NetworkTrust.LoadNodeCertificate(pem, null)).Message);
    }

    private static X509Certificate2 PublicPart(NetworkCa ca) => X509CertificateLoader.LoadCertificate(ca.Certificate.RawData);
}
