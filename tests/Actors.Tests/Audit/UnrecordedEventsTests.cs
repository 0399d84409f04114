using ActorNet.Actors.Audit;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Audit;

/// <summary>
/// A node killed between writing an event and writing its audit entry records the entry when it starts again: here the
/// audit log the first outbox or inbox wrote to loses everything (a probe), and the one they find after their restart
/// asks what it lacks.
/// </summary>
public sealed class UnrecordedEventsTests() : TestKit(LocalTestConfig.Config)
{
    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private async Task<IReadOnlyList<AuditEntry>> EntriesAsync(IActorRef audit) =>
        (await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 1000), Bound)).Items;

    private static List<string> Named(IEnumerable<AuditEntry> entries, string kind) =>
        entries.Where(e => e.Kind == kind).SelectMany(e => e.MessageIds ?? (e.MessageId is null ? [] : [e.MessageId])).ToList();

    private async Task StopAsync(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(actor, Bound);
    }

    [Fact]
    public async Task Sends_and_deliveries_the_outbox_wrote_before_its_node_died_are_recorded_when_it_starts_again_and_only_then()
    {
        var lost = CreateTestProbe(); // the audit entries that never reached the database
        var inbox = Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, lost, _ => TestActor));
        IActorRef outbox = Sys.ActorOf(OutboxActor.Props(FR, lost, _ => inbox), "outbox-1");
        for (var i = 0; i < 30; i++)
            outbox.Tell(new OutboxCommands.Post(FR, $"m{i}", [US], BitConverter.GetBytes(i)), TestActor);
        for (var i = 0; i < 30; i++)
            await ExpectMsgAsync<OutboxCommands.Posted>(Bound);
        await AwaitConditionAsync(async () => await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m29"), Bound) is OutboxQueries.MessageStatus s
            && s.Recipients.Single().State == DeliveryStates.Delivered, Bound);
        await StopAsync(outbox);

        var audit = Sys.ActorOf(AuditActor.Props("node-fr", TimeSpan.FromMilliseconds(10)));
        outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => inbox), "outbox-2");

        var ids = Enumerable.Range(0, 30).Select(i => $"m{i}").ToList();
        await AwaitConditionAsync(async () => Named(await EntriesAsync(audit), AuditKinds.MessageSent).Count >= 30
            && (await EntriesAsync(audit)).Any(e => e.Kind == AuditKinds.AuditRecovered), Bound);
        var entries = await EntriesAsync(audit);
        Assert.Equal(ids, Named(entries, AuditKinds.MessageSent).OrderBy(id => int.Parse(id[1..])));
        Assert.All(entries.Where(e => e.Kind is AuditKinds.MessageSent or AuditKinds.MessageDelivered),
            e => Assert.EndsWith(UnrecordedEventsReader.AfterRestart, e.Detail));
        Assert.Contains(entries, e => e.Kind == AuditKinds.MessageDelivered && e.Detail.Contains("up to sequence 30"));
        var recovered = Assert.Single(entries, e => e.Kind == AuditKinds.AuditRecovered);
        Assert.Equal(("outbox-FR", 1L), (recovered.Source!.PersistenceId, recovered.Source.FromSequenceNr));
        Assert.All(entries, e => Assert.True(e.HashIsValid));

        // Everything is recorded now: the next start asks for nothing, and a new send is recorded as it is written.
        var lastEvent = recovered.Source.ToSequenceNr;
        Assert.Empty((await audit.Ask<AuditQueries.UnrecordedEvents>(new AuditQueries.Unrecorded("outbox-FR", lastEvent), Bound)).Ranges);
        outbox.Tell(new OutboxCommands.Post(FR, "m30", [US], new byte[] { 1 }), TestActor);
        await ExpectMsgAsync<OutboxCommands.Posted>(Bound);
        await AwaitConditionAsync(async () => Named(await EntriesAsync(audit), AuditKinds.MessageSent).Contains("m30"), Bound);
        var live = (await EntriesAsync(audit)).Single(e => e.Kind == AuditKinds.MessageSent && e.MessageId == "m30");
        Assert.DoesNotContain(UnrecordedEventsReader.AfterRestart, live.Detail);
        // The restarted outbox's own run (OutboxEvents.Resumed) is the event after what it recovered, recorded as it is written.
        Assert.Contains(await EntriesAsync(audit), e => e.Kind == AuditKinds.OutboxResumed && e.Source == AuditSource.Of("outbox-FR", lastEvent + 1));
        Assert.Equal(AuditSource.Of("outbox-FR", lastEvent + 2), live.Source);
    }

    [Fact]
    public async Task The_Secretariats_outbox_asks_nothing_its_node_may_share_its_journal_with_other_GS_nodes()
    {
        await SecretariatOutbox.PostOnceAndStopAsync(this, "g1", Bound);

        // Whatever the restarted outbox tells the audit log before the entry of its next send comes before it.
        var audit = CreateTestProbe();
        var outbox = Sys.ActorOf(OutboxActor.Props(BureauCode.Secretariat, audit, _ => CreateTestProbe().Ref), "gs-outbox-2");
        outbox.Tell(new OutboxCommands.Post(BureauCode.Secretariat, "g2", [US], new byte[] { 2 }), TestActor);
        await ExpectMsgAsync<OutboxCommands.Posted>(Bound);
        Assert.Equal(AuditKinds.OutboxResumed, Assert.IsType<AuditCommands.Record>(await audit.ExpectMsgAsync<object>(Bound)).Kind);
        var told = await audit.ExpectMsgAsync<object>(Bound);
        Assert.Equal("g2", Assert.IsType<AuditCommands.Record>(told).MessageId);
    }

    [Fact]
    public async Task Arrivals_and_reads_the_inbox_wrote_before_its_node_died_are_recorded_when_it_starts_again()
    {
        var lost = CreateTestProbe();
        IActorRef inbox = Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, lost, _ => TestActor), "inbox-1");
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(1, "m1", new byte[] { 1 }), new Parcel(2, "m2", new byte[] { 2 })]));
        await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.UpToSequence == 2, Bound);
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(3, "m3", new byte[] { 3 })]));
        await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.UpToSequence == 3, Bound);
        inbox.Tell(new InboxCommands.MarkRead(US, ["m2"]));
        await FishForMessageAsync<DeliveryProtocol.ReadReceipt>(_ => true, Bound);
        await StopAsync(inbox);

        var audit = Sys.ActorOf(AuditActor.Props("node-us", TimeSpan.FromMilliseconds(10)));
        Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, audit, _ => TestActor), "inbox-2");

        await AwaitConditionAsync(async () => (await EntriesAsync(audit)).Any(e => e.Kind == AuditKinds.AuditRecovered), Bound);
        var entries = await EntriesAsync(audit);
        Assert.Equal(["m1", "m2", "m3"], Named(entries, AuditKinds.MessageReceived).Order(StringComparer.Ordinal));
        Assert.Equal(["m2"], Named(entries, AuditKinds.MessageRead));
        Assert.Equal("FR", entries.Single(e => e.Kind == AuditKinds.MessageRead).Peer);
        Assert.Empty((await audit.Ask<AuditQueries.UnrecordedEvents>(new AuditQueries.Unrecorded("inbox-US", 3), Bound)).Ranges);
    }

    [Fact]
    public async Task Refusals_the_inbox_wrote_before_its_node_died_are_recorded_when_it_starts_again_with_their_reasons()
    {
        var gate = new RefusingGate("forged", "its signature does not verify");
        var lost = CreateTestProbe();
        IActorRef inbox = Sys.ActorOf(InboxActor.Props(US, gate, lost, _ => TestActor), "inbox-r1");
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(1, "m1", new byte[] { 1 }), new Parcel(2, "forged", new byte[] { 2 })]));
        await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.UpToSequence == 1, Bound);
        inbox.Tell(new DeliveryProtocol.Deliver(FR, new BureauCode("DE"), [new Parcel(2, "misrouted", new byte[] { 3 })]));
        // What the lost log was told names the refusals' own journal events (2 and 3, after the arrival's 1).
        var told = await lost.FishForMessageAsync<AuditCommands.Record>(r => r.MessageId == "misrouted", Bound);
        Assert.Equal(AuditSource.Of("inbox-US", 3), told.Source);
        await StopAsync(inbox);

        var audit = Sys.ActorOf(AuditActor.Props("node-us", TimeSpan.FromMilliseconds(10)));
        Sys.ActorOf(InboxActor.Props(US, gate, audit, _ => TestActor), "inbox-r2");

        await AwaitConditionAsync(async () => (await EntriesAsync(audit)).Any(e => e.Kind == AuditKinds.AuditRecovered), Bound);
        var entries = await EntriesAsync(audit);
        Assert.Equal(["m1"], Named(entries, AuditKinds.MessageReceived));
        var refusals = entries.Where(e => e.Kind == AuditKinds.EnvelopeRefused).OrderBy(e => e.Sequence).ToList();
        Assert.Equal(["forged", "misrouted"], refusals.Select(e => e.MessageId));
        Assert.All(refusals, e => Assert.Equal("FR", e.Peer));
        Assert.StartsWith("its signature does not verify", refusals[0].Detail);
        Assert.StartsWith("addressed to DE, not US", refusals[1].Detail);
        Assert.Empty((await audit.Ask<AuditQueries.UnrecordedEvents>(new AuditQueries.Unrecorded("inbox-US", 3), Bound)).Ranges);
    }

    private sealed class RefusingGate(string id, string reason) : IEnvelopeGate
    {
        public GateVerdict Check(BureauCode from, Parcel parcel) => parcel.Id == id ? GateVerdict.Refuse(reason) : GateVerdict.Pass;
    }
}

/// <summary>
/// On a journal of the node's own (SQLite: the hosting sets <see cref="UnrecordedEventsReader.OwnJournalSetting"/>) the
/// Secretariat's outbox and inbox catch up the audit log as a bureau's do: every event of theirs there is this node's.
/// </summary>
public sealed class SecretariatOwnJournalTests()
    : TestKit(ConfigurationFactory.ParseString($"{UnrecordedEventsReader.OwnJournalSetting} = on").WithFallback(LocalTestConfig.Config))
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_Secretariats_outbox_on_a_journal_of_its_own_records_after_a_restart_what_its_node_died_before_recording()
    {
        await SecretariatOutbox.PostOnceAndStopAsync(this, "g1", Bound);

        var audit = Sys.ActorOf(AuditActor.Props("node-gs", TimeSpan.FromMilliseconds(10)));
        Sys.ActorOf(OutboxActor.Props(BureauCode.Secretariat, audit, _ => CreateTestProbe().Ref), "gs-outbox-2");
        IReadOnlyList<AuditEntry> entries = [];
        await AwaitConditionAsync(async () =>
            (entries = (await audit.Ask<AuditQueries.Entries>(new AuditQueries.GetEntries(0, 100), Bound)).Items).Any(e => e.Kind == AuditKinds.AuditRecovered), Bound);
        var sent = Assert.Single(entries, e => e.Kind == AuditKinds.MessageSent);
        Assert.Equal("g1", sent.MessageId);
        Assert.EndsWith(UnrecordedEventsReader.AfterRestart, sent.Detail);
        Assert.Equal("outbox-GS", entries.Single(e => e.Kind == AuditKinds.AuditRecovered).Source!.PersistenceId);
    }
}

/// <summary>The Secretariat's outbox run once before a restart: one post to US persisted, its audit entries lost (a probe), then stopped.</summary>
internal static class SecretariatOutbox
{
    public static async Task PostOnceAndStopAsync(TestKitBase kit, string id, TimeSpan bound)
    {
        var outbox = kit.Sys.ActorOf(OutboxActor.Props(BureauCode.Secretariat, kit.CreateTestProbe(), _ => kit.CreateTestProbe().Ref), "gs-outbox-1");
        outbox.Tell(new OutboxCommands.Post(BureauCode.Secretariat, id, [new BureauCode("US")], new byte[] { 1 }), kit.TestActor);
        await kit.ExpectMsgAsync<OutboxCommands.Posted>(bound);
        kit.Watch(outbox);
        outbox.Tell(PoisonPill.Instance);
        await kit.ExpectTerminatedAsync(outbox, bound);
    }
}
