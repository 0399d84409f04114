using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>
/// Forwarding while the outbox commits: the inbox persists such parcels at once, shows them only once their sender says it
/// committed them, and drops those a restarted sender never committed; no reader ever sees a message its sender did not
/// accept, and every accepted one arrives once, in order.
/// </summary>
public sealed class HoldBackTests : TestKit
{
    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly HeldJournal.Hand _commits;

    public HoldBackTests() : this($"holdback{Guid.NewGuid():N}") { }

    private HoldBackTests(string system)
        : base(ConfigurationFactory.ParseString(HeldJournal.Config(system)).WithFallback(LocalTestConfig.Config), system) =>
        _commits = HeldJournal.For(system);

    private static Parcel P(long sequence, string id) => new(sequence, id, System.Text.Encoding.UTF8.GetBytes(id));

    private async Task<List<string>> ListedAsync(IActorRef inbox) =>
        (await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 1000), Bound)).Items.Select(i => i.Id).ToList();

    private async Task<InboxActor.Memory> MemoryOfAsync(IActorRef inbox) => await inbox.Ask<InboxActor.Memory>(InboxActor.GetMemory.Instance, Bound);

    private IActorRef Inbox(string name, IActorRef audit) => Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, audit, _ => TestActor), name);

    private async Task StopAsync(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        await watcher.WatchAsync(actor);
        actor.Tell(PoisonPill.Instance);
        await watcher.ExpectTerminatedAsync(actor, Bound);
    }

    [Fact]
    public async Task Parcels_sent_while_their_sender_commits_are_held_back_until_its_mark_covers_them_and_stay_shown_after_a_restart()
    {
        var audit = CreateTestProbe();
        var inbox = Inbox("inbox-a", audit);
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [P(1, "m1"), P(2, "m2")], Incarnation: 5, ResumedAfter: 0, CommittedUpTo: 0));

        // Persisted and acknowledged (the sender counts them delivered once it has committed them), but not shown.
        var accepted = await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.UpToSequence == 2, Bound);
        Assert.True(accepted.HoldsBack);
        Assert.Equal((5L, 0L), (accepted.Incarnation, accepted.ConfirmedUpTo));
        Assert.Empty(await ListedAsync(inbox));
        Assert.Empty((await inbox.Ask<InboxQueries.Page>(new InboxQueries.Get(US, "m1"), Bound)).Items);
        Assert.Equal(2, (await MemoryOfAsync(inbox)).HeldBack);

        // The mark alone (a Deliver without parcels) shows what it covers, in order.
        var feed = CreateTestProbe();
        Sys.EventStream.Subscribe(feed, typeof(MessageArrived));
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [], 5, 0, 1));
        await AwaitConditionAsync(async () => (await ListedAsync(inbox)).Count == 1, Bound, Poll);
        Assert.Equal("m1", (await feed.ExpectMsgAsync<MessageArrived>(Bound)).Id);
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [P(3, "m3")], 5, 0, 2));
        await AwaitConditionAsync(async () => (await ListedAsync(inbox)).Count == 2, Bound, Poll);
        Assert.Equal("m2", (await feed.ExpectMsgAsync<MessageArrived>(Bound)).Id);
        Assert.Equal(["m1", "m2"], await ListedAsync(inbox));
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [], 5, 0, 3));
        await AwaitConditionAsync(async () => (await ListedAsync(inbox)).Count == 3, Bound, Poll);

        // Marks are written a moment after the last arrival; once they are, a restart shows the same, without the sender.
        await AwaitConditionAsync(async () => (await MemoryOfAsync(inbox)) is { HeldBack: 0, MarksUnwritten: 0 }, Bound, Poll);
        await StopAsync(inbox);
        var revived = Inbox("inbox-a2", audit);
        Assert.Equal(["m1", "m2", "m3"], await ListedAsync(revived));
        Assert.Equal(0, (await MemoryOfAsync(revived)).HeldBack);
    }

    [Fact]
    public async Task An_inbox_restarted_with_parcels_held_back_asks_their_sender_for_its_mark()
    {
        var audit = CreateTestProbe();
        var inbox = Inbox("inbox-b", audit);
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [P(1, "m1"), P(2, "m2")], 7, 0, 0));
        await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.UpToSequence == 2, Bound);
        await StopAsync(inbox);

        var revived = Inbox("inbox-b2", audit);
        var asked = await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.Sender == FR, Bound);
        Assert.Equal((2L, 7L, 0L, true), (asked.UpToSequence, asked.Incarnation, asked.ConfirmedUpTo, asked.HoldsBack));
        Assert.Empty(await ListedAsync(revived));
        revived.Tell(new DeliveryProtocol.Deliver(FR, US, [], 7, 0, 2));
        await AwaitConditionAsync(async () => (await ListedAsync(revived)).Count == 2, Bound, Poll);
        Assert.Equal(["m1", "m2"], await ListedAsync(revived));
    }

    [Fact]
    public async Task Parcels_a_restarted_sender_never_committed_are_withdrawn_audited_and_never_shown_and_its_older_runs_are_passed_over()
    {
        var audit = CreateTestProbe();
        var inbox = Inbox("inbox-c", audit);
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [P(1, "a1"), P(2, "a2"), P(3, "a3")], 5, 0, 0));
        await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.UpToSequence == 3, Bound);

        // The sender's outbox restarted as run 9 having committed only up to 1: sequences 2 and 3 are new messages now.
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [P(2, "b2")], 9, 1, 1));
        var withdrawn = await audit.FishForMessageAsync<AuditCommands.RecordAll>(r => r.Records.Any(e => e.Kind == AuditKinds.MessageWithdrawn), Bound);
        var entry = withdrawn.Records.Single(e => e.Kind == AuditKinds.MessageWithdrawn);
        Assert.Equal(["a2", "a3"], entry.MessageIds!);
        var accepted = await FishForMessageAsync<DeliveryProtocol.Accepted>(a => a.Incarnation == 9 && a.UpToSequence == 2, Bound);
        Assert.Equal(1, accepted.ConfirmedUpTo);
        Assert.Equal(["a1"], await ListedAsync(inbox));

        // A late delivery of the older run is passed over: nothing taken, nothing shown.
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [P(3, "a3"), P(4, "a4")], 5, 0, 4));
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [P(3, "b3")], 9, 1, 3));
        await AwaitConditionAsync(async () => (await ListedAsync(inbox)).Count == 3, Bound, Poll);
        Assert.Equal(["a1", "b2", "b3"], await ListedAsync(inbox));

        // The journal says the same after a restart.
        await AwaitConditionAsync(async () => (await MemoryOfAsync(inbox)) is { HeldBack: 0, MarksUnwritten: 0 }, Bound, Poll);
        await StopAsync(inbox);
        var revived = Inbox("inbox-c2", audit);
        Assert.Equal(["a1", "b2", "b3"], await ListedAsync(revived));
        var page = await revived.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 10), Bound);
        Assert.Equal([1L, 2L, 3L], page.Items.Select(i => i.Sequence));
        Assert.Equal("b2", System.Text.Encoding.UTF8.GetString(page.Items[1].Sealed.Span));
    }

    [Fact]
    public async Task The_outbox_forwards_while_it_commits_to_an_inbox_that_holds_back_and_says_when_it_has_committed()
    {
        var audit = CreateTestProbe();
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => TestActor), "outbox-d");
        outbox.Tell(new OutboxCommands.Post(FR, "m1", [US], new byte[] { 1 }));
        // Until the recipient says it holds parcels back, it is sent what is committed.
        var first = await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.Parcels.Count == 1, Bound);
        Assert.Equal((1L, 1L), (first.Parcels[0].Sequence, first.CommittedUpTo));
        Assert.True(first.Incarnation > 0);
        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 1, HoldsBack: true, Incarnation: first.Incarnation, ConfirmedUpTo: 1));

        _commits.Hold();
        outbox.Tell(new OutboxCommands.Post(FR, "m2", [US], new byte[] { 2 }), TestActor);
        var early = await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.Parcels.Count == 1, Bound);
        Assert.Equal(("m2", 2L, 1L), (early.Parcels[0].Id, early.Parcels[0].Sequence, early.CommittedUpTo));
        // Acknowledged before it is committed: the outbox does not know it as accepted yet, and its caller has no answer.
        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 2, HoldsBack: true, Incarnation: first.Incarnation, ConfirmedUpTo: 1));
        Assert.IsType<OutboxQueries.NotFound>(await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m2"), Bound));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        _commits.Release();
        await FishForMessageAsync<OutboxCommands.Posted>(p => p.Id == "m2", Bound);
        var mark = await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.Parcels.Count == 0, Bound);
        Assert.Equal((first.Incarnation, 2L), (mark.Incarnation, mark.CommittedUpTo));
        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 2, HoldsBack: true, Incarnation: first.Incarnation, ConfirmedUpTo: 2));
        await AwaitConditionAsync(async () => (await outbox.Ask<OutboxQueries.MessageStatus>(new OutboxQueries.GetStatus(FR, "m2"), Bound))
            .Recipients.Single().State == DeliveryStates.Delivered, Bound, Poll);
    }

    [Fact]
    public async Task A_sender_killed_between_forwarding_and_committing_leaves_the_recipient_exactly_the_committed_messages_once_in_order()
    {
        var audit = CreateTestProbe();
        var link = Sys.ActorOf(Props.Create(() => new Link()));
        IActorRef outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => link), "outbox-e");
        // The recipient on a node of its own, with a journal of its own: a journal answers its writes in the order they
        // came, so on the sender's held journal the inbox's writes would wait for the sender's commit.
        using var recipientNode = ActorSystem.Create("recipient", LocalTestConfig.Config);
        var inbox = recipientNode.ActorOf(InboxActor.Props(US, PassingGate.Instance, audit, _ => outbox), "inbox-e");
        link.Tell(new Link.SetTarget(inbox));
        for (var i = 1; i <= 3; i++)
            outbox.Tell(new OutboxCommands.Post(FR, $"m{i}", [US], new byte[] { (byte)i }));
        await AwaitConditionAsync(async () => (await ListedAsync(inbox)).Count == 3, Bound, Poll);
        // Acknowledged: the outbox has heard that this inbox holds parcels back.
        await AwaitConditionAsync(async () => (await outbox.Ask<OutboxQueries.MessageStatus>(new OutboxQueries.GetStatus(FR, "m3"), Bound))
            .Recipients.Single().State == DeliveryStates.Delivered, Bound, Poll);

        // m4 and m5 reach the inbox while their commit is held; the sender dies before it commits them.
        _commits.Hold();
        // Posted together, as one write: two posts could be two writes, and the second, flushed while the first commits,
        // goes the committed way (only a write alone in the journal forwards early) and would never reach the inbox here.
        outbox.Tell(new OutboxCommands.PostAll(FR, [new OutboxCommands.Post(FR, "m4", [US], new byte[] { 4 }), new OutboxCommands.Post(FR, "m5", [US], new byte[] { 5 })]));
        await AwaitConditionAsync(async () => (await MemoryOfAsync(inbox)).HeldBack == 2, Bound, Poll);
        Assert.Equal(["m1", "m2", "m3"], await ListedAsync(inbox));
        var watcher = CreateTestProbe();
        await watcher.WatchAsync(outbox);
        _commits.Discard();
        await watcher.ExpectTerminatedAsync(outbox, Bound);

        // It comes back; its next message takes sequence 4, which the inbox held for m4.
        outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => link), "outbox-e2");
        outbox.Tell(new OutboxCommands.Post(FR, "m6", [US], new byte[] { 6 }), TestActor);
        await FishForMessageAsync<OutboxCommands.Posted>(p => p.Id == "m6", Bound);
        await AwaitConditionAsync(async () => (await ListedAsync(inbox)).Count == 4, Bound, Poll);
        Assert.Equal(["m1", "m2", "m3", "m6"], await ListedAsync(inbox));
        var page = await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 10), Bound);
        Assert.Equal([1L, 2L, 3L, 4L], page.Items.Select(i => i.Sequence));
        Assert.Equal([(byte)6], page.Items[3].Sealed.ToArray());
        Assert.Equal(0, (await MemoryOfAsync(inbox)).HeldBack);
        await AwaitConditionAsync(async () => (await outbox.Ask<OutboxQueries.MessageStatus>(new OutboxQueries.GetStatus(FR, "m6"), Bound))
            .Recipients.Single().State == DeliveryStates.Delivered, Bound, Poll);
        Assert.IsType<OutboxQueries.NotFound>(await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m4"), Bound));
    }
}
