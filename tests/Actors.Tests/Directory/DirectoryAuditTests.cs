using ActorNet.Actors.Audit;
using ActorNet.Actors.Directory;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Directory;

/// <summary>
/// A GS node killed between the directory writing a key change and its audit entry being written records the entry when it
/// starts again, on a journal of its own (SQLite): here the log the first directory wrote to loses everything (a probe), and
/// the one the restarted directory finds asks what it lacks.
/// </summary>
public sealed class DirectoryAuditTests()
    : TestKit(ConfigurationFactory.ParseString($"{UnrecordedEventsReader.OwnJournalSetting} = on").WithFallback(ClusterTestConfig.Config)), IDisposable
{
    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly KeyRings _rings = new();

    void IDisposable.Dispose()
    {
        _rings.Dispose();
        Dispose();
    }

    private BureauKeyRing Ring() => _rings.New();

    private async Task<IReadOnlyList<AuditEntry>> EntriesAsync(IActorRef audit) =>
        (await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 1000), Bound)).Items;

    [Fact]
    public async Task Enrolments_rotations_and_approvals_the_directory_wrote_before_its_node_died_are_recorded_when_it_starts_again_and_only_then()
    {
        var lost = CreateTestProbe();
        var directory = Sys.ActorOf(DirectoryActor.Props(DirectorySigner.Unsigned, autoEnrol: false, lost.Ref), "directory-1");
        var fr = Ring();
        await directory.Ask<DirectoryCommands.Enrolled>(new DirectoryCommands.Enrol(FR, "akka.tcp://actornet@fr:4053", null, fr.PublicKeys(FR)), Bound);
        await directory.Ask<DirectoryCommands.Approved>(new DirectoryCommands.Approve(FR, "token-7"), Bound);
        var next = fr.Rotate();
        _rings.Keep(next);
        await directory.Ask<DirectoryCommands.Enrolled>(new DirectoryCommands.Enrol(FR, "akka.tcp://actornet@fr:4053", null, next.PublicKeys(FR),
            KeyRotation.Prove(fr, next.PublicKeys(FR))), Bound);
        // What the lost log was told names the directory's events: the endorsements that came with each change included.
        var rotatedLive = await lost.FishForMessageAsync<AuditCommands.Record>(r => r.Kind == AuditKinds.KeyRotated, Bound);
        Assert.Equal("directory", rotatedLive.Source!.PersistenceId);
        Watch(directory);
        directory.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(directory, Bound);

        var audit = Sys.ActorOf(AuditActor.Props("node-gs", TimeSpan.FromMilliseconds(10)));
        directory = Sys.ActorOf(DirectoryActor.Props(DirectorySigner.Unsigned, autoEnrol: false, audit), "directory-2");

        IReadOnlyList<AuditEntry> entries = [];
        await AwaitConditionAsync(async () => (entries = await EntriesAsync(audit)).Any(e => e.Kind == AuditKinds.AuditRecovered), Bound);
        var enrolled = Assert.Single(entries, e => e.Kind == AuditKinds.KeyEnrolled);
        Assert.Equal(("FR", $"enrolled key version 1 ({fr.PublicKeys(FR).Fingerprint})"), (enrolled.Peer, enrolled.Detail[..^UnrecordedEventsReader.AfterRestart.Length]));
        Assert.StartsWith("approved by token-7", Assert.Single(entries, e => e.Kind == AuditKinds.BureauApproved).Detail);
        Assert.StartsWith($"rotated to key version 2 ({next.PublicKeys(FR).Fingerprint})", Assert.Single(entries, e => e.Kind == AuditKinds.KeyRotated).Detail);
        Assert.All(entries.Where(e => e.Kind != AuditKinds.AuditRecovered), e => Assert.EndsWith(UnrecordedEventsReader.AfterRestart, e.Detail));
        var recovered = Assert.Single(entries, e => e.Kind == AuditKinds.AuditRecovered);
        Assert.Equal(("directory", 1L), (recovered.Source!.PersistenceId, recovered.Source.FromSequenceNr));
        Assert.All(entries, e => Assert.True(e.HashIsValid));

        // Everything is recorded now: the next start asks for nothing, and a new enrolment is recorded as it is written.
        var lastEvent = recovered.Source.ToSequenceNr;
        Assert.Empty((await audit.Ask<AuditQueries.UnrecordedEvents>(new AuditQueries.Unrecorded("directory", lastEvent), Bound)).Ranges);
        await directory.Ask<DirectoryCommands.Enrolled>(new DirectoryCommands.Enrol(US, "akka.tcp://actornet@us:4053", null, Ring().PublicKeys(US)), Bound);
        AuditEntry? live = null;
        await AwaitConditionAsync(async () => (live = (await EntriesAsync(audit)).SingleOrDefault(e => e.Kind == AuditKinds.KeyEnrolled && e.Peer == "US")) is not null, Bound);
        Assert.Contains("from akka.tcp://actornet@us:4053: pending approval", live!.Detail);
        Assert.DoesNotContain(UnrecordedEventsReader.AfterRestart, live.Detail);
        Assert.Equal(AuditSource.Of("directory", lastEvent + 1), live.Source);
    }

    [Fact]
    public async Task A_directory_whose_node_recorded_every_change_asks_nothing_when_it_starts_again()
    {
        var audit = Sys.ActorOf(AuditActor.Props("node-gs", TimeSpan.FromMilliseconds(10)));
        var directory = Sys.ActorOf(DirectoryActor.Props(DirectorySigner.Unsigned, autoEnrol: true, audit), "directory-a");
        await directory.Ask<DirectoryCommands.Enrolled>(new DirectoryCommands.Enrol(US, "akka.tcp://actornet@us:4053", null, Ring().PublicKeys(US)), Bound);
        await AwaitConditionAsync(async () => (await EntriesAsync(audit)).Any(e => e.Kind == AuditKinds.BureauApproved), Bound);
        await audit.Ask<AuditCommands.Flushed>(AuditCommands.Flush.Instance, Bound);
        Watch(directory);
        directory.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(directory, Bound);

        // The directory asks the same log on its restart, and the log lacks nothing: no entry is made again.
        var before = (await EntriesAsync(audit)).Count;
        directory = Sys.ActorOf(DirectoryActor.Props(DirectorySigner.Unsigned, autoEnrol: true, audit), "directory-b");
        await directory.Ask<DirectoryCommands.Enrolled>(new DirectoryCommands.Enrol(FR, "akka.tcp://actornet@fr:4053", null, Ring().PublicKeys(FR)), Bound);
        IReadOnlyList<AuditEntry> entries = [];
        await AwaitConditionAsync(async () => (entries = await EntriesAsync(audit)).Any(e => e.Kind == AuditKinds.BureauApproved && e.Peer == "FR"), Bound);
        Assert.DoesNotContain(entries, e => e.Kind == AuditKinds.AuditRecovered);
        Assert.Equal(before + 2, entries.Count); // FR's enrolment and approval, nothing else
    }
}
