using ActorNet.Actors.Hosting;
using ActorNet.Protocol;
using ActorNet.Protocol.Pki;
using Akka.Event;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

/// <summary>The start-up checks on --tls-cert and --ca, and the validator Akka.Remote runs on peers.</summary>
public sealed class NetworkTlsTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly CertificateHolder France = CertificateHolder.For(new BureauCode("FR"));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actornet-tls-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly NetworkCa _ca = NetworkCa.Create(Now);

    public NetworkTlsTests()
    {
        _ca.Save(_directory);
    }

    public void Dispose()
    {
        _ca.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    private string CaFile => Path.Combine(_directory, NetworkCa.CertificateFile);

    private string Issue(CertificateHolder holder, string? password = null, NetworkCa? by = null)
    {
        var file = Path.Combine(_directory, $"{holder.Name}-{Guid.NewGuid():N}.p12");
        (by ?? _ca).IssueTo(file, holder, password, Now).Dispose();
        return file;
    }

    [Fact]
    public void A_certificate_for_this_bureau_from_the_network_CA_is_accepted()
    {
        var tls = NetworkTls.Load(new TlsFiles(Issue(France, "pw"), "pw", CaFile), France);

        Assert.Equal(France, tls.Holder);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.False(tls.Ca.HasPrivateKey);
    }

    [Fact]
    public void A_certificate_for_another_bureau_is_refused_naming_both()
    {
        var us = CertificateHolder.For(new BureauCode("US"));

        var e = Assert.Throws<OptionsException>(() => NetworkTls.Load(new TlsFiles(Issue(France), null, CaFile), us));

        Assert.Contains("is issued to FR, but this node runs as --bureau US", e.Message);
    }

    [Fact]
    public void The_Lighthouse_needs_a_lighthouse_certificate()
    {
        var e = Assert.Throws<OptionsException>(() => NetworkTls.Load(new TlsFiles(Issue(France), null, CaFile), CertificateHolder.Lighthouse));
        Assert.Contains("not to the Lighthouse", e.Message);

        Assert.Equal(CertificateHolder.Lighthouse, NetworkTls.Load(new TlsFiles(Issue(CertificateHolder.Lighthouse), null, CaFile), CertificateHolder.Lighthouse).Holder);
    }

    [Fact]
    public void A_certificate_from_another_CA_is_refused()
    {
        using var other = NetworkCa.Create(Now);

        var e = Assert.Throws<OptionsException>(() => NetworkTls.Load(new TlsFiles(Issue(France, by: other), null, CaFile), France));

        Assert.Contains("was not issued by the network CA", e.Message);
    }

    [Fact]
    public void A_wrong_password_or_an_unreadable_CA_is_one_clear_line()
    {
        var file = Issue(France, "right");
        var wrong = Assert.Throws<OptionsException>(() => NetworkTls.Load(new TlsFiles(file, "wrong", CaFile), France));
        Assert.Contains("--tls-password", wrong.Message);

        var noCa = Assert.Throws<OptionsException>(() => NetworkTls.Load(new TlsFiles(file, "right", Path.Combine(_directory, "missing.crt")), France));
        Assert.StartsWith("--ca ", noCa.Message);
        Assert.DoesNotContain('\n', noCa.Message);
    }

    [Fact]
    public void The_validator_accepts_network_certificates_only()
    {
        var tls = NetworkTls.Load(new TlsFiles(Issue(France), null, CaFile), France);
        using var other = NetworkCa.Create(Now);
        using var member = _ca.Issue(CertificateHolder.For(new BureauCode("DE")), Now);
        using var stranger = other.Issue(CertificateHolder.For(new BureauCode("DE")), Now);
        var log = NoLogger.Instance;

        Assert.True(tls.Validator(member, null, "peer", System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors, log));
        Assert.False(tls.Validator(stranger, null, "peer", System.Net.Security.SslPolicyErrors.None, log));
        Assert.False(tls.Validator(null, null, "peer", System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable, log));
    }
}
