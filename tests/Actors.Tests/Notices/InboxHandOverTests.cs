using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Notices;

/// <summary>The inbox's dispatch hook: notice envelopes are delivered like messages, then handed to the notice side and kept out of the messages API.</summary>
public sealed class InboxHandOverTests() : TestKit("akka.loglevel = WARNING")
{
    private static readonly BureauCode FR = new("FR"), US = new("US");

    private sealed class PassAll : IEnvelopeGate
    {
        public GateVerdict Check(BureauCode from, Parcel parcel) => GateVerdict.Pass;
    }

    [Fact]
    public async Task Notice_envelopes_go_to_the_notice_side_and_messages_stay_in_the_inbox()
    {
        var notices = CreateTestProbe();
        var inbox = Sys.ActorOf(InboxActor.Props(US, new PassAll(), CreateTestProbe(), _ => TestActor, notices));

        inbox.Tell(new DeliveryProtocol.Deliver(FR, US,
            [new Parcel(1, "m1", new byte[] { 1 }), new Parcel(2, "ntc.0192f0c4.publish.3", new byte[] { 2 }), new Parcel(3, "m2", new byte[] { 3 })]));

        Assert.Equal(3, (await ExpectMsgAsync<DeliveryProtocol.Accepted>()).UpToSequence);
        Assert.Equal("ntc.0192f0c4.publish.3", (await notices.ExpectMsgAsync<InboxEvents.Received>()).Id);
        var page = await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 10), TimeSpan.FromSeconds(5));
        Assert.Equal(["m1", "m2"], page.Items.Select(i => i.Id));
        Assert.Empty((await inbox.Ask<InboxQueries.Page>(new InboxQueries.Get(US, "ntc.0192f0c4.publish.3"), TimeSpan.FromSeconds(5))).Items);
        await notices.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        // Restarted, the inbox hands the latest notice envelopes over again, in case the last hand-over was lost; the notice side keeps each once.
        Watch(inbox);
        inbox.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(inbox);
        Sys.ActorOf(InboxActor.Props(US, new PassAll(), CreateTestProbe(), _ => TestActor, notices));
        Assert.Equal("ntc.0192f0c4.publish.3", (await notices.ExpectMsgAsync<InboxEvents.Received>()).Id);
    }
}
