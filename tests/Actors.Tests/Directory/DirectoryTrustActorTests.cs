using System.Security.Cryptography.X509Certificates;
using ActorNet.Actors.Directory;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Pki;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Directory;

/// <summary>
/// The Secretariat's directory and a node's replica on one actor system (cluster provider, in-memory journal): GS signs what
/// an operator approved, and a replica trusts only keys whose GS signature chains to the network CA.
/// </summary>
public sealed class DirectoryTrustActorTests : TestKit, IDisposable
{
    private static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly NetworkCa _ca = NetworkCa.Create(DateTimeOffset.UtcNow);
    private readonly X509Certificate2 _caPublic;
    private readonly X509Certificate2 _gs;
    private readonly KeyRings _rings = new();

    public DirectoryTrustActorTests() : base(ClusterTestConfig.Config)
    {
        _caPublic = X509CertificateLoader.LoadCertificate(_ca.Certificate.RawData);
        _gs = _ca.Issue(CertificateHolder.For(BureauCode.Secretariat), DateTimeOffset.UtcNow);
    }

    void IDisposable.Dispose()
    {
        _rings.Dispose();
        _gs.Dispose();
        _caPublic.Dispose();
        _ca.Dispose();
        Dispose();
    }

    private BureauKeyRing Ring() => _rings.New();

    private async Task<T> Answer<T>(IActorRef actor, object message) => await actor.Ask<T>(message, Bound);

    private async Task<AuditCommands.Record> Audited(Akka.TestKit.TestProbe audit, string kind) =>
        await audit.FishForMessageAsync<AuditCommands.Record>(r => r.Kind == kind, Bound);

    [Fact]
    public async Task A_new_bureau_stays_pending_until_approved_then_its_keys_are_signed_and_a_rotation_needs_no_new_approval()
    {
        var audit = CreateTestProbe();
        var directory = Sys.ActorOf(DirectoryActor.Props(new DirectorySigner(_gs), autoEnrol: false, audit.Ref));
        var trust = new DirectoryTrust(_caPublic);
        var fr = Ring();

        var enrolled = await Answer<DirectoryCommands.Enrolled>(directory, new DirectoryCommands.Enrol(FR, "akka.tcp://actornet@fr:4053", null, fr.PublicKeys(FR)));
        Assert.Equal(1, enrolled.KeyVersion);
        Assert.Contains("pending approval", (await Audited(audit, AuditKinds.KeyEnrolled)).Detail);
        var pending = Assert.Single((await Answer<DirectoryQueries.DirectoryView>(directory, DirectoryQueries.GetDirectory.Instance)).Entries);
        Assert.Equal(DirectoryEntry.Pending, pending.Status);
        Assert.Empty(pending.Endorsements);

        var refused = await Answer<DirectoryCommands.ApprovalRefused>(directory, new DirectoryCommands.Approve(DE, "admin"));
        Assert.True(refused.Unknown);
        Assert.Contains("DE", refused.Reason);

        var approved = await Answer<DirectoryCommands.Approved>(directory, new DirectoryCommands.Approve(FR, "admin"));
        Assert.False(approved.AlreadyApproved);
        Assert.Equal(fr.PublicKeys(FR).Fingerprint, approved.Fingerprint);
        Assert.Contains("approved by admin", (await Audited(audit, AuditKinds.BureauApproved)).Detail);
        var again = await Answer<DirectoryCommands.Approved>(directory, new DirectoryCommands.Approve(FR, "admin"));
        Assert.True(again.AlreadyApproved);
        Assert.Equal(approved.ApprovedAt, again.ApprovedAt);

        var entry = Assert.Single((await Answer<DirectoryQueries.DirectoryView>(directory, DirectoryQueries.GetDirectory.Instance)).Entries);
        Assert.Equal(DirectoryEntry.Approved, entry.Status);
        Assert.True(trust.Check(entry.Keys[0], entry.EndorsementOf(1)!).Trusted);

        // The bureau rotates: version 2, proved by version 1, is listed and signed at once.
        using var next = fr.Rotate();
        var rotated = await Answer<DirectoryCommands.Enrolled>(directory,
            new DirectoryCommands.Enrol(FR, "akka.tcp://actornet@fr:4053", null, next.PublicKeys(FR), KeyRotation.Prove(fr, next.PublicKeys(FR))));
        Assert.Equal(2, rotated.KeyVersion);
        Assert.Contains("proved by version 1", (await Audited(audit, AuditKinds.KeyRotated)).Detail);
        entry = Assert.Single((await Answer<DirectoryQueries.DirectoryView>(directory, DirectoryQueries.GetDirectory.Instance)).Entries);
        Assert.Equal(next.PublicKeys(FR).Fingerprint, entry.Fingerprint);
        Assert.Equal([1, 2], entry.Keys.Select(k => k.Version));
        Assert.True(trust.Check(entry.Keys[1], entry.EndorsementOf(2)!).Trusted);

        // Someone else's version 3, signed by nobody FR ever listed, is refused.
        var impostor = Ring().Rotate().Rotate();
        _rings.Keep(impostor);
        var refusal = await Answer<DirectoryCommands.EnrolmentRefused>(directory,
            new DirectoryCommands.Enrol(FR, "akka.tcp://actornet@evil:4053", null, new BureauPublicKeys(FR, 3, impostor.PublicKeys(FR).SigningKey, impostor.PublicKeys(FR).AgreementKey), new byte[64]));
        Assert.Contains("does not verify", refusal.Reason);
        Assert.Contains("evil", (await Audited(audit, AuditKinds.KeyEnrolmentRefused)).Detail);
    }

    [Fact]
    public async Task With_auto_enrol_a_new_bureau_is_approved_at_once()
    {
        var audit = CreateTestProbe();
        var directory = Sys.ActorOf(DirectoryActor.Props(DirectorySigner.Unsigned, autoEnrol: true, audit.Ref));

        await Answer<DirectoryCommands.Enrolled>(directory, new DirectoryCommands.Enrol(US, "akka.tcp://actornet@us:4053", null, Ring().PublicKeys(US)));

        var entry = Assert.Single((await Answer<DirectoryQueries.DirectoryView>(directory, DirectoryQueries.GetDirectory.Instance)).Entries);
        Assert.Equal(DirectoryEntry.Approved, entry.Status);
        Assert.False(entry.EndorsementOf(1)!.IsSigned);
        Assert.Contains("--auto-enrol", (await Audited(audit, AuditKinds.BureauApproved)).Detail);
    }

    [Fact]
    public async Task A_tampered_directory_entry_is_refused_audited_once_never_used_and_the_replica_keeps_serving()
    {
        var audit = CreateTestProbe();
        var keys = new PublicKeyDirectory();
        var replica = Sys.ActorOf(DirectoryReplicaActor.Props("n1", CreateTestProbe().Ref, keys, new DirectoryTrust(_caPublic), audit.Ref, FR));
        var signer = new DirectorySigner(_gs);
        var now = DateTimeOffset.UtcNow;
        var fr = Ring().PublicKeys(FR);
        var us = Ring().PublicKeys(US);
        // US's entry carries GS's genuine signature over other keys: someone swapped the keys on the way.
        var tampered = signer.Endorse(Ring().PublicKeys(US), now);
        var de = Ring().PublicKeys(DE);
        DirectoryQueries.DirectoryView View(DateTimeOffset asOf) => new(
        [
            new DirectoryEntry(DE, now, now, de.Fingerprint, true, [de]),
            new DirectoryEntry(FR, now, now, fr.Fingerprint, true, [fr], now, [signer.Endorse(fr, now)]),
            new DirectoryEntry(US, now, now, us.Fingerprint, true, [us], now, [tampered]),
        ], asOf);

        replica.Tell(View(now));

        var refused = await Audited(audit, AuditKinds.DirectoryEntryRefused);
        Assert.Equal("US", refused.Peer);
        Assert.Contains("does not verify", refused.Detail);
        await AwaitConditionAsync(() => Task.FromResult(keys.Latest(FR) is not null), Bound);
        Assert.Null(keys.Latest(US));
        Assert.Contains("refused", keys.WhyUnusable(US));
        Assert.Null(keys.Latest(DE));
        Assert.Contains("awaits approval", keys.WhyUnusable(DE));

        var served = await Answer<DirectoryQueries.DirectoryView>(replica, DirectoryQueries.GetDirectory.Instance);
        Assert.Equal(["DE", "FR", "US"], served.Entries.Select(e => e.Bureau.Value));
        Assert.Equal([DirectoryEntry.Pending, DirectoryEntry.Approved, DirectoryEntry.Approved], served.Entries.Select(e => e.Status));

        // The same refusal, pushed again, is not audited again.
        replica.Tell(View(now.AddSeconds(30)));
        await Answer<DirectoryQueries.DirectoryView>(replica, DirectoryQueries.GetDirectory.Instance);
        await audit.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Null(keys.Latest(US));
    }
}
