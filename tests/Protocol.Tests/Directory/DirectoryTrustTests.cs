using System.Security.Cryptography.X509Certificates;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Pki;
using ActorNet.Protocol.Sealing;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests.Directory;

/// <summary>GS's signature on directory entries, checked by a node that holds nothing but the network CA's certificate.</summary>
public sealed class DirectoryTrustTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly NetworkCa _ca = NetworkCa.Create(Now);
    private readonly X509Certificate2 _caPublic;
    private readonly X509Certificate2 _gs;
    private readonly BureauKeyRing _ring = BureauKeyRing.Create();

    public DirectoryTrustTests()
    {
        _caPublic = X509CertificateLoader.LoadCertificate(_ca.Certificate.RawData);
        _gs = _ca.Issue(CertificateHolder.For(BureauCode.Secretariat), Now);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caPublic.Dispose();
        _gs.Dispose();
        _ring.Dispose();
    }

    private BureauPublicKeys Keys => _ring.PublicKeys(FR);

    private DirectoryTrust Trust => new(_caPublic);

    [Fact]
    public void An_entry_signed_by_a_GS_certificate_of_the_network_CA_is_trusted()
    {
        var endorsement = new DirectorySigner(_gs).Endorse(Keys, Now);

        var verdict = Trust.Check(Keys, endorsement);

        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal(_gs.RawData, endorsement.SignerCertificate.ToArray());
    }

    [Fact]
    public void Another_GS_node_with_its_own_certificate_may_sign_too()
    {
        using var secondGs = _ca.Issue(CertificateHolder.For(BureauCode.Secretariat), Now);

        Assert.True(Trust.Check(Keys, new DirectorySigner(secondGs).Endorse(Keys, Now)).Trusted);
    }

    [Fact]
    public void An_altered_key_under_a_genuine_signature_is_refused()
    {
        var endorsement = new DirectorySigner(_gs).Endorse(Keys, Now);
        using var other = BureauKeyRing.Create();
        var swapped = new BureauPublicKeys(FR, Keys.Version, other.PublicKeys(FR).SigningKey, Keys.AgreementKey);

        var verdict = Trust.Check(swapped, endorsement);

        Assert.False(verdict.Trusted);
        Assert.Contains("does not verify", verdict.Reason);
    }

    [Fact]
    public void A_flipped_bit_in_the_signature_is_refused()
    {
        var endorsement = new DirectorySigner(_gs).Endorse(Keys, Now);
        var signature = endorsement.Signature.ToArray();
        signature[5] ^= 0x01;

        var verdict = Trust.Check(Keys, endorsement with { Signature = signature });

        Assert.False(verdict.Trusted);
    }

    [Fact]
    public void A_bureau_certificate_cannot_vouch_for_keys()
    {
        using var france = _ca.Issue(CertificateHolder.For(FR), Now);

        var verdict = Trust.Check(Keys, new DirectorySigner(france).Endorse(Keys, Now));

        Assert.False(verdict.Trusted);
        Assert.Contains("not for GS", verdict.Reason);
    }

    [Fact]
    public void A_GS_certificate_from_another_CA_is_refused()
    {
        using var rogue = NetworkCa.Create(Now);
        using var rogueGs = rogue.Issue(CertificateHolder.For(BureauCode.Secretariat), Now);

        var verdict = Trust.Check(Keys, new DirectorySigner(rogueGs).Endorse(Keys, Now));

        Assert.False(verdict.Trusted);
        Assert.Contains("not issued by the network CA", verdict.Reason);
    }

    [Fact]
    public void Unsigned_entries_are_refused_on_a_network_with_a_CA_and_accepted_on_an_insecure_one()
    {
        var unsigned = DirectorySigner.Unsigned.Endorse(Keys, Now);

        Assert.False(unsigned.IsSigned);
        Assert.False(Trust.Check(Keys, unsigned).Trusted);
        Assert.True(DirectoryTrust.Unsigned.Check(Keys, unsigned).Trusted);
    }

    [Fact]
    public void An_endorsement_of_another_version_or_bureau_is_refused()
    {
        var endorsement = new DirectorySigner(_gs).Endorse(Keys, Now);
        using var us = BureauKeyRing.Create();

        Assert.False(Trust.Check(us.PublicKeys(US), endorsement with { Bureau = US }).Trusted);
        Assert.False(Trust.Check(_ring.Rotate().PublicKeys(FR), endorsement).Trusted);
    }

    [Fact]
    public void An_endorsement_survives_the_wire()
    {
        var endorsement = new DirectorySigner(_gs).Endorse(Keys, Now);
        var view = new DirectoryQueries.DirectoryView([new DirectoryEntry(FR, Now, Now, Keys.Fingerprint, true, [Keys], Now, [endorsement])], Now);

        var decoded = (DirectoryQueries.DirectoryView)Serialization.WireFormat.Decode(Serialization.WireFormat.Encode(view), "d.view");

        var entry = Assert.Single(decoded.Entries);
        Assert.True(entry.IsApproved);
        Assert.True(Trust.Check(entry.Keys[0], entry.EndorsementOf(1)!).Trusted);
    }
}
