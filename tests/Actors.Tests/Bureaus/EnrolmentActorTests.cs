using ActorNet.Actors.Bureaus;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Bureaus;

/// <summary>A bureau node's enrolment: its keys until the directory lists them, and a rotation proved by the keys before.</summary>
public sealed class EnrolmentActorTests : TestKit, IDisposable
{
    private static readonly BureauCode FR = new("FR");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _data = System.IO.Directory.CreateTempSubdirectory("actornet-enrolment-").FullName;

    public EnrolmentActorTests() : base(ClusterTestConfig.Config) { }

    void IDisposable.Dispose()
    {
        Dispose();
        System.IO.Directory.Delete(_data, recursive: true);
    }

    private (IActorRef Enrolment, Akka.TestKit.TestProbe Directory, Akka.TestKit.TestProbe Audit, BureauCrypto Crypto) Start(BureauCode bureau)
    {
        var crypto = BureauCrypto.LoadOrCreate(bureau, Path.Combine(_data, bureau.Value));
        var directory = CreateTestProbe();
        var audit = CreateTestProbe();
        var bureauActor = CreateTestProbe();
        var enrolment = Sys.ActorOf(EnrolmentActor.Props(bureau, "n1", "0.1.0", bureauActor.Ref, directory.Ref, crypto, audit.Ref));
        enrolment.Tell(new BureauQueries.Profile(bureau, DateTimeOffset.UtcNow, null, null, 1, null, null));
        return (enrolment, directory, audit, crypto);
    }

    [Fact]
    public async Task Keys_are_rotated_only_once_listed_and_the_new_ones_are_enrolled_with_the_old_ones_proof()
    {
        var (enrolment, directory, audit, crypto) = Start(FR);
        var first = await directory.ExpectMsgAsync<DirectoryCommands.Enrol>(Bound);
        Assert.Equal(crypto.PublicKeys, first.Keys);
        Assert.Null(first.RotationProof);

        // Not listed yet: a rotation now could not be proved to GS.
        var early = await enrolment.Ask<EnrolmentCommands.RotationRefused>(new EnrolmentCommands.RotateKeys("admin"), Bound);
        Assert.Contains("not listed", early.Reason);
        Assert.False(early.Rotated);
        Assert.Equal(1, crypto.Keys.Version);

        enrolment.Tell(new DirectoryCommands.Enrolled(FR, DateTimeOffset.UtcNow, 1), directory.Ref);
        await audit.FishForMessageAsync<AuditCommands.Record>(r => r.Kind == AuditKinds.KeyEnrolled, Bound);

        var requester = CreateTestProbe();
        enrolment.Tell(new EnrolmentCommands.RotateKeys("admin"), requester.Ref);
        var enrol = await directory.FishForMessageAsync<DirectoryCommands.Enrol>(e => e.Keys!.Version == 2, Bound);
        Assert.True(KeyRotation.Verify(first.Keys!, enrol.Keys!, enrol.RotationProof));
        Assert.Equal(2, crypto.Keys.Version);
        Assert.Contains(first.Keys!.Fingerprint, (await audit.FishForMessageAsync<AuditCommands.Record>(r => r.Kind == AuditKinds.KeyRotated, Bound)).Detail);
        await requester.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        enrolment.Tell(new DirectoryCommands.Enrolled(FR, DateTimeOffset.UtcNow, 2), directory.Ref);
        var rotated = await requester.ExpectMsgAsync<EnrolmentCommands.KeysRotated>(Bound);
        Assert.Equal(first.Keys, rotated.Previous);
        Assert.Equal(enrol.Keys, rotated.Current);

        // Messages sealed to version 1 still open with the node's current keys.
        using var us = BureauKeyRing.Create();
        var peers = new PublicKeyDirectory([us.PublicKeys(new BureauCode("US")), first.Keys]);
        var sealedBefore = new Sealer(new BureauCode("US"), us, peers).Seal(
            new Sealer(new BureauCode("US"), us, peers).Header("m1", [FR], DateTimeOffset.UtcNow, HandlingCode.H1), new MessagePayload("s", "sealed to version 1"));
        crypto.Directory.Add(us.PublicKeys(new BureauCode("US")));
        Assert.Equal("sealed to version 1", crypto.Opener.Open(sealedBefore).Payload?.Body);
    }

    [Fact]
    public async Task A_refused_version_is_not_sent_again_and_GS_does_not_rotate()
    {
        var (enrolment, directory, audit, _) = Start(FR);
        await directory.ExpectMsgAsync<DirectoryCommands.Enrol>(Bound);
        enrolment.Tell(new DirectoryCommands.EnrolmentRefused(FR, 1, "its keys directory was replaced"), directory.Ref);
        Assert.Contains("replaced", (await audit.FishForMessageAsync<AuditCommands.Record>(r => r.Kind == AuditKinds.KeyEnrolmentRefused, Bound)).Detail);
        // A retry the timer sent before the refusal arrived is already queued here (the refusal is audited after it is
        // taken): drop those, then nothing more may come.
        while (directory.HasMessages)
            await directory.ExpectMsgAsync<DirectoryCommands.Enrol>(Bound);
        await directory.ExpectNoMsgAsync(TimeSpan.FromSeconds(3)); // the retry interval is 2 s

        var (gs, _, _, _) = Start(BureauCode.Secretariat);
        var refused = await gs.Ask<EnrolmentCommands.RotationRefused>(new EnrolmentCommands.RotateKeys("admin"), Bound);
        Assert.Contains("GS nodes do not rotate", refused.Reason);
    }
}
