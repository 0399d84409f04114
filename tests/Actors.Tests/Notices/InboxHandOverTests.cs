using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Notices;

// Expectations wait up to 15 s (the default is 3): the suite runs beside multi-node tests on two cores.
/// <summary>The inbox's dispatch hook: notice envelopes are delivered like messages, then handed to the notice side and kept out of the messages API.</summary>
public sealed class InboxHandOverTests() : TestKit("akka.loglevel = WARNING\nakka.test.single-expect-default = 15s")
{
    private static readonly BureauCode FR = new("FR"), US = new("US");

    [Fact]
    public async Task Notice_envelopes_go_to_the_notice_side_and_messages_stay_in_the_inbox()
    {
        var notices = CreateTestProbe();
        var inbox = Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, CreateTestProbe(), _ => TestActor, notices));

        inbox.Tell(new DeliveryProtocol.Deliver(FR, US,
            [new Parcel(1, "m1", new byte[] { 1 }), new Parcel(2, "ntc.0192f0c4.publish.3", new byte[] { 2 }), new Parcel(3, "m2", new byte[] { 3 })]));

        Assert.Equal(3, (await ExpectMsgAsync<DeliveryProtocol.Accepted>()).UpToSequence);
        Assert.Equal("ntc.0192f0c4.publish.3", (await notices.ExpectMsgAsync<InboxEvents.Received>()).Id);
        var page = await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 10), TimeSpan.FromSeconds(5));
        Assert.Equal(["m1", "m2"], page.Items.Select(i => i.Id));
        Assert.Empty((await inbox.Ask<InboxQueries.Page>(new InboxQueries.Get(US, "ntc.0192f0c4.publish.3"), TimeSpan.FromSeconds(5))).Items);
        await notices.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        // Not taken yet (as if the node died before the copies persisted it): a restarted inbox hands it over again.
        inbox = await RestartAsync(inbox, notices);
        var again = await notices.ExpectMsgAsync<InboxEvents.Received>();
        Assert.Equal(("ntc.0192f0c4.publish.3", 2), (again.Id, again.Sealed.ToArray()[0]));

        // Taken: the inbox persists how far, and after another restart hands over only what came after.
        inbox.Tell(new NoticeHandOver.Taken(again.Id), notices);
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(4, "ntc.0192f0c4.state.5", new byte[] { 4 })]));
        Assert.Equal(4, (await ExpectMsgAsync<DeliveryProtocol.Accepted>()).UpToSequence);
        Assert.Equal("ntc.0192f0c4.state.5", (await notices.ExpectMsgAsync<InboxEvents.Received>()).Id);
        inbox = await RestartAsync(inbox, notices);
        Assert.Equal("ntc.0192f0c4.state.5", (await notices.ExpectMsgAsync<InboxEvents.Received>()).Id);
        await notices.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        inbox.Tell(new NoticeHandOver.Taken("ntc.0192f0c4.state.5"), notices);
        inbox = await RestartAsync(inbox, notices);
        await notices.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        // It no longer holds the envelopes it handed over, yet still refuses a replay of one.
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(5, "ntc.0192f0c4.publish.3", new byte[] { 2 })]));
        Assert.Equal(4, (await ExpectMsgAsync<DeliveryProtocol.Accepted>()).UpToSequence);
        await notices.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    private async Task<IActorRef> RestartAsync(IActorRef inbox, TestProbe notices)
    {
        Watch(inbox);
        inbox.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(inbox);
        return Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, CreateTestProbe(), _ => TestActor, notices));
    }
}
