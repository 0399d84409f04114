using ActorNet.Actors.Bureaus;
using ActorNet.Actors.Cluster;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Bureaus;

/// <summary>
/// Two bureaus hosted on one cluster member: their outboxes and inboxes find each other through the singleton proxies every
/// node uses (<c>/user/inbox/inbox</c>, <c>/user/outbox/outbox</c> on the member with the bureau's role), which reach the
/// doors, which hand each message to the bureau it names.
/// </summary>
public sealed class HostedBureausTests() : TestKit(ClusterTestConfig.Config.WithFallback(
    ConfigurationFactory.ParseString("akka.cluster.roles = [ncb, bureau-AR, bureau-BR]")))
{
    private static readonly BureauCode AR = new("AR"), BR = new("BR"), CL = new("CL");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private async Task<Member> JoinedAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        await AwaitConditionAsync(() => Task.FromResult(cluster.State.Members.Any(m => m.Status == MemberStatus.Up)), Bound);
        return cluster.State.Members.Single();
    }

    private (IActorRef Outbox, IActorRef Inbox) Host(BureauCode bureau, IActorRef audit) =>
        (Sys.ActorOf(OutboxActor.Props(bureau, audit), "outbox-" + bureau.Value),
         Sys.ActorOf(InboxActor.Props(bureau, PassingGate.Instance, audit), "inbox-" + bureau.Value));

    private async Task<IReadOnlyList<InboxEvents.Received>> InboxAsync(IActorRef inbox, BureauCode bureau) =>
        (await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(bureau, null, 100), Bound)).Items;

    [Fact]
    public async Task Bureaus_on_one_member_send_to_each_other_through_the_doors_and_receipts_find_their_way_back()
    {
        await JoinedAsync();
        var audit = CreateTestProbe();
        var (arOut, arIn) = Host(AR, audit);
        var (brOut, brIn) = Host(BR, audit);
        Sys.ActorOf(BureauDoorActor.Props(InboxActor.Name, new Dictionary<BureauCode, IActorRef> { [AR] = arIn, [BR] = brIn }), InboxActor.Name);
        Sys.ActorOf(BureauDoorActor.Props(OutboxActor.Name, new Dictionary<BureauCode, IActorRef> { [AR] = arOut, [BR] = brOut }), OutboxActor.Name);

        arOut.Tell(new OutboxCommands.Post(AR, "ar-1", [BR], new byte[] { 1 }));
        brOut.Tell(new OutboxCommands.Post(BR, "br-1", [AR], new byte[] { 2 }));
        await AwaitConditionAsync(async () => (await InboxAsync(brIn, BR)).Count == 1 && (await InboxAsync(arIn, AR)).Count == 1, Bound);
        Assert.Equal("ar-1", (await InboxAsync(brIn, BR)).Single().Id);
        Assert.Equal("br-1", (await InboxAsync(arIn, AR)).Single().Id);

        // BR reads AR's message: its receipt goes through the outbox door to AR's outbox, not BR's.
        brIn.Tell(new InboxCommands.MarkRead(BR, ["ar-1"]));
        await AwaitConditionAsync(async () =>
            await arOut.Ask<object>(new OutboxQueries.GetStatus(AR, "ar-1"), Bound) is OutboxQueries.MessageStatus s
            && s.Recipients.Single().State == DeliveryStates.Read, Bound);
        // br-1's acknowledgement goes its own way (and time) back to BR's outbox.
        await AwaitConditionAsync(async () =>
            await brOut.Ask<object>(new OutboxQueries.GetStatus(BR, "br-1"), Bound) is OutboxQueries.MessageStatus s
            && s.Recipients.Single().State == DeliveryStates.Delivered, Bound);
    }

    [Fact]
    public async Task A_delivery_for_a_bureau_not_hosted_here_is_dropped_and_the_door_stays()
    {
        var hosted = CreateTestProbe();
        var door = Sys.ActorOf(BureauDoorActor.Props(InboxActor.Name, new Dictionary<BureauCode, IActorRef> { [BR] = hosted.Ref }), InboxActor.Name);
        var router = Sys.ActorSelection("/user/inbox/inbox");
        // The router is the door's child, made as the door starts: a proxy, like this, finds it before sending.
        await AwaitConditionAsync(async () => (await router.Ask<ActorIdentity>(new Identify(1), Bound)).Subject is not null, Bound);

        router.Tell(new DeliveryProtocol.Deliver(AR, CL, [new Parcel(1, "m1", new byte[] { 1 })]));
        router.Tell("no bureau named");
        router.Tell(new DeliveryProtocol.Deliver(AR, BR, [new Parcel(1, "m2", new byte[] { 2 })]), TestActor);

        var delivered = await hosted.ExpectMsgAsync<DeliveryProtocol.Deliver>(Bound);
        Assert.Equal("m2", delivered.Parcels.Single().Id);
        Assert.Equal(TestActor, hosted.LastSender); // the sender is kept, so the inbox's Accepted goes to the sender's outbox
        router.Tell(new DeliveryProtocol.Deliver(AR, BR, [new Parcel(2, "m3", new byte[] { 3 })]));
        Assert.Equal("m3", (await hosted.ExpectMsgAsync<DeliveryProtocol.Deliver>(Bound)).Parcels.Single().Id); // nothing else came first
        _ = door;
    }

    [Fact]
    public async Task A_member_hosting_two_bureaus_makes_both_present_and_leaving_makes_both_absent()
    {
        var member = await JoinedAsync();
        var presence = new BureauPresence();

        var up = presence.Observe(new ClusterEvent.MemberUp(member));
        Assert.Equal([(AR, true), (BR, true)], up);
        Assert.True(presence.IsOnline(AR) && presence.IsOnline(BR));
        Assert.Equal(new HashSet<BureauCode> { AR, BR }, presence.Online);
        Assert.Equal([AR, BR], BureauPresence.BureausOf(member));

        var unreachable = presence.Observe(new ClusterEvent.UnreachableMember(member));
        Assert.Equal([(AR, false), (BR, false)], unreachable);
        Assert.Empty(presence.Online);
    }
}
