using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorNet.Protocol.Pki;
using Xunit;

namespace ActorNet.Protocol.Tests.Pki;

public sealed class NetworkCaTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actornet-pki-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_directory))
            System.IO.Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_new_CA_is_a_ten_year_P256_CA_certificate()
    {
        using var ca = NetworkCa.Create(Now);
        var certificate = ca.Certificate;
        Assert.True(NetworkTrust.IsCertificateAuthority(certificate));
        using var key = certificate.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 365 * 10, 365 * 10 + 5);
        Assert.Equal(certificate.Subject, certificate.Issuer);
    }

    [Fact]
    public void Saved_CA_is_PEM_with_an_owner_only_key_and_loads_back()
    {
        using var ca = NetworkCa.Create(Now);
        ca.Save(_directory);

        var certificatePem = File.ReadAllText(Path.Combine(_directory, NetworkCa.CertificateFile));
        var keyPem = File.ReadAllText(Path.Combine(_directory, NetworkCa.KeyFile));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", certificatePem);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", keyPem);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, NetworkCa.KeyFile)));

        using var loaded = NetworkCa.Load(_directory);
        Assert.Equal(ca.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
    }

    [Fact]
    public void An_existing_CA_is_never_overwritten()
    {
        using var first = NetworkCa.Create(Now);
        first.Save(_directory);
        using var second = NetworkCa.Create(Now);

        var e = Assert.Throws<PkiException>(() => second.Save(_directory));
        Assert.Contains("already exists", e.Message);
        using var kept = NetworkCa.Load(_directory);
        Assert.Equal(first.Certificate.Thumbprint, kept.Certificate.Thumbprint);
    }

    [Fact]
    public void Loading_a_missing_CA_names_the_file_and_the_command_that_makes_one()
    {
        var e = Assert.Throws<PkiException>(() => NetworkCa.Load(_directory));
        Assert.Contains(NetworkCa.CertificateFile, e.Message);
        Assert.Contains("actornet pki init", e.Message);
    }

    [Theory]
    [InlineData("FR", "fr.actornet")]
    [InlineData("GS", "gs.actornet")]
    [InlineData("lighthouse", "lighthouse.actornet")]
    public void Issued_certificate_names_its_holder_for_TLS_both_ways_for_two_years(string name, string dns)
    {
        using var ca = NetworkCa.Create(Now);
        Assert.True(CertificateHolder.TryParse(name, out var holder));

        using var issued = ca.Issue(holder!, Now);

        Assert.Equal($"CN={holder!.Name}, O=ActorNet", issued.Subject);
        Assert.Equal(ca.Certificate.Subject, issued.Issuer);
        Assert.False(NetworkTrust.IsCertificateAuthority(issued));
        var usages = issued.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Equal([NetworkTrust.ServerAuthOid, NetworkTrust.ClientAuthOid], usages);
        var san = issued.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal([dns, "localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], san.EnumerateIPAddresses());
        Assert.InRange((issued.NotAfter - issued.NotBefore).TotalDays, 365 * 2, 365 * 2 + 3);
        Assert.Equal(holder, NetworkTrust.HolderOf(issued));
    }

    [Fact]
    public void Issued_PKCS12_is_owner_only_and_opens_with_its_password_only()
    {
        using var ca = NetworkCa.Create(Now);
        var path = Path.Combine(_directory, "certs", "fr.p12");
        ca.IssueTo(path, CertificateHolder.For(new BureauCode("FR")), "s3cret", Now).Dispose();

        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var loaded = NetworkTrust.LoadNodeCertificate(path, "s3cret");
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal("CN=FR, O=ActorNet", loaded.Subject);

        var e = Assert.Throws<PkiException>(() => NetworkTrust.LoadNodeCertificate(path, "wrong"));
        Assert.Contains("--tls-password", e.Message);
    }

    [Fact]
    public void A_PKCS12_without_a_password_opens_without_one()
    {
        using var ca = NetworkCa.Create(Now);
        var path = Path.Combine(_directory, "lighthouse.p12");
        ca.IssueTo(path, CertificateHolder.Lighthouse, null, Now).Dispose();

        using var loaded = NetworkTrust.LoadNodeCertificate(path, null);
        Assert.Equal(CertificateHolder.Lighthouse, NetworkTrust.HolderOf(loaded));
    }
}
