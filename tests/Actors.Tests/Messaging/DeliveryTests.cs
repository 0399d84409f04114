using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>Outbox to inbox on one actor system with the in-memory journal (<see cref="LocalTestConfig"/>).</summary>
public sealed class DeliveryTests() : TestKit(LocalTestConfig.Config)
{
    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private sealed class Gate(Func<Parcel, GateVerdict> check) : IEnvelopeGate
    {
        public GateVerdict Check(BureauCode from, Parcel parcel) => check(parcel);
    }

    private static byte[] Sealed(int i) => BitConverter.GetBytes(i);

    private async Task<IReadOnlyList<InboxEvents.Received>> InboxAsync(IActorRef inbox)
    {
        var page = await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 10_000), Bound);
        return page.Items;
    }

    [Fact]
    public async Task Every_message_arrives_once_in_order_and_the_sender_sees_it_delivered()
    {
        var audit = CreateTestProbe();
        var inbox = Sys.ActorOf(InboxActor.Props(US, new Gate(_ => GateVerdict.Pass), audit, _ => TestActor));
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => inbox));

        for (var i = 0; i < 2000; i++)
            outbox.Tell(new OutboxCommands.Post(FR, $"m{i}", [US], Sealed(i)));

        await AwaitConditionAsync(async () => (await InboxAsync(inbox)).Count == 2000, Bound);
        var received = await InboxAsync(inbox);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"m{i}"), received.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), received.Select(r => r.Sequence));
        Assert.True(received[1234].Sealed.Span.SequenceEqual(Sealed(1234)));

        await AwaitConditionAsync(async () =>
            await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m1999"), Bound) is OutboxQueries.MessageStatus s
            && s.Recipients.Single().State == DeliveryStates.Delivered, Bound);
        Assert.IsType<OutboxQueries.NotFound>(await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "nope"), Bound));
    }

    [Fact]
    public async Task Messages_wait_for_an_offline_recipient_and_survive_an_outbox_restart()
    {
        var audit = CreateTestProbe();
        var link = Sys.ActorOf(Props.Create(() => new Link()));
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => link), "outbox-restart");
        for (var i = 0; i < 50; i++)
            outbox.Tell(new OutboxCommands.Post(FR, $"m{i}", [US], Sealed(i)), TestActor);
        for (var i = 0; i < 50; i++)
            await ExpectMsgAsync<OutboxCommands.Posted>(Bound);

        // The outbox dies with everything acknowledged to its callers still undelivered, and comes back.
        await WatchAsync(outbox);
        outbox.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(outbox, Bound);
        var revived = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => link), "outbox-restart-2");

        var inbox = Sys.ActorOf(InboxActor.Props(US, new Gate(_ => GateVerdict.Pass), audit, _ => revived));
        link.Tell(new Link.SetTarget(inbox));

        await AwaitConditionAsync(async () => (await InboxAsync(inbox)).Count == 50, Bound);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), (await InboxAsync(inbox)).Select(r => r.Id));
        _ = revived;
    }

    [Fact]
    public async Task A_refused_envelope_is_audited_and_never_reaches_the_inbox()
    {
        var audit = CreateTestProbe();
        var inbox = Sys.ActorOf(InboxActor.Props(US, new Gate(p => p.Id == "forged" ? GateVerdict.Refuse("bad signature") : GateVerdict.Pass), audit, _ => TestActor));

        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(1, "forged", Sealed(1))]));
        var accepted = await ExpectMsgAsync<DeliveryProtocol.Accepted>(Bound);
        Assert.Equal(0, accepted.UpToSequence);
        Assert.True(accepted.TakesCut && accepted.BatchWraps, accepted.ToString()); // what this inbox's gate opens

        var record = await audit.FishForMessageAsync<AuditCommands.Record>(r => r.Kind == AuditKinds.EnvelopeRefused, Bound);
        Assert.Equal("forged", record.MessageId);
        Assert.Empty(await InboxAsync(inbox));
    }

    [Fact]
    public async Task Reading_sends_a_receipt_that_marks_the_message_read_at_the_sender()
    {
        var audit = CreateTestProbe();
        var link = Sys.ActorOf(Props.Create(() => new Link()));
        IActorRef? outbox = null;
        var inbox = Sys.ActorOf(InboxActor.Props(US, new Gate(_ => GateVerdict.Pass), audit, _ => outbox!));
        outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => inbox));

        outbox.Tell(new OutboxCommands.Post(FR, "m1", [US], Sealed(1)));
        await AwaitConditionAsync(async () => (await InboxAsync(inbox)).Count == 1, Bound);
        inbox.Tell(new InboxCommands.MarkRead(US, ["m1"]));

        await AwaitConditionAsync(async () =>
            await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m1"), Bound) is OutboxQueries.MessageStatus s
            && s.Recipients.Single().State == DeliveryStates.Read, Bound);
        _ = link;
    }

    [Fact]
    public async Task Each_new_message_comes_out_with_its_envelope_and_the_message_listed_before_it_also_after_a_restart()
    {
        var audit = CreateTestProbe();
        var arrivals = CreateTestProbe();
        Sys.EventStream.Subscribe(arrivals, typeof(MessageArrived));
        var inbox = Sys.ActorOf(InboxActor.Props(US, new Gate(_ => GateVerdict.Pass), audit, _ => TestActor));
        inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(1, "m1", Sealed(1)), new Parcel(2, "m2", Sealed(2))]));

        var first = await arrivals.ExpectMsgAsync<MessageArrived>(Bound);
        var second = await arrivals.ExpectMsgAsync<MessageArrived>(Bound);
        Assert.Equal(("m1", (string?)null), (first.Id, first.ListedAfter)); // the inbox's first message follows nothing
        Assert.Equal(("m2", (string?)"m1"), (second.Id, second.ListedAfter));
        Assert.True(second.Arrival!.Sealed.Span.SequenceEqual(Sealed(2)));
        Assert.Equal(US, second.Holder);

        // A restarted inbox names the last message it recovered.
        Watch(inbox);
        inbox.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(inbox, Bound);
        var restarted = Sys.ActorOf(InboxActor.Props(US, new Gate(_ => GateVerdict.Pass), audit, _ => TestActor));
        restarted.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(3, "m3", Sealed(3))]));
        var third = await arrivals.ExpectMsgAsync<MessageArrived>(Bound);
        Assert.Equal(("m3", (string?)"m2"), (third.Id, third.ListedAfter));
    }

    [Fact]
    public async Task A_deliver_message_carries_no_more_envelope_bytes_than_the_cap_unless_one_envelope_is_larger()
    {
        var audit = CreateTestProbe();
        var inbox = CreateTestProbe();
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => inbox, new OutboxSettings(DeliverBytes: 40)));
        for (var i = 0; i < 9; i++)
            outbox.Tell(new OutboxCommands.Post(FR, $"m{i}", [US], new byte[16]), TestActor);
        outbox.Tell(new OutboxCommands.Post(FR, "large", [US], new byte[100]), TestActor);

        var sequences = new List<long>();
        while (sequences.Count < 10)
        {
            var deliver = await inbox.ExpectMsgAsync<DeliveryProtocol.Deliver>(Bound);
            var bytes = deliver.Parcels.Sum(p => p.Sealed.Length);
            Assert.True(bytes <= 40 || deliver.Parcels.Count == 1, $"{deliver.Parcels.Count} parcels, {bytes} bytes in one Deliver");
            sequences.AddRange(deliver.Parcels.Select(p => p.Sequence));
        }
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task Posting_many_at_once_is_answered_once_when_all_are_persisted_and_numbers_them_in_order()
    {
        var audit = CreateTestProbe();
        var inbox = Sys.ActorOf(InboxActor.Props(US, new Gate(_ => GateVerdict.Pass), audit, _ => TestActor));
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => inbox));
        outbox.Tell(new OutboxCommands.Post(FR, "m0", [US], Sealed(0)), TestActor);
        await ExpectMsgAsync<OutboxCommands.Posted>(Bound);

        // m0 is already known and m2 comes twice: each id is kept once, and the answer names every post of the request.
        var posts = new[] { "m0", "m1", "m2", "m2", "m3" }.Select((id, i) => new OutboxCommands.Post(FR, id, [US], Sealed(i))).ToArray();
        outbox.Tell(new OutboxCommands.PostAll(FR, posts), TestActor);
        var answer = await FishForMessageAsync<OutboxCommands.PostedAll>(_ => true, Bound);
        Assert.Equal(["m0", "m1", "m2", "m2", "m3"], answer.Ids);
        Assert.IsType<OutboxQueries.MessageStatus>(await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, "m3"), Bound));

        await AwaitConditionAsync(async () => (await InboxAsync(inbox)).Count == 4, Bound);
        var received = await InboxAsync(inbox);
        Assert.Equal(["m0", "m1", "m2", "m3"], received.Select(r => r.Id));
        Assert.Equal([1L, 2L, 3L, 4L], received.Select(r => r.Sequence));

        outbox.Tell(new OutboxCommands.PostAll(FR, []), TestActor);
        Assert.Empty((await FishForMessageAsync<OutboxCommands.PostedAll>(_ => true, Bound)).Ids);
    }

    [Fact]
    public async Task Older_arrivals_are_read_back_from_the_journal_when_a_page_asks_for_them()
    {
        var audit = CreateTestProbe();
        var inbox = Sys.ActorOf(InboxActor.Props(US, new Gate(_ => GateVerdict.Pass), audit, _ => TestActor, recentBytes: 8), "inbox-recent");
        for (var i = 1; i <= 30; i++)
            inbox.Tell(new DeliveryProtocol.Deliver(FR, US, [new Parcel(i, $"m{i}", Sealed(i))]));
        await AwaitConditionAsync(async () => (await InboxAsync(inbox)).Count == 30, Bound);

        var all = await InboxAsync(inbox);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"m{i}"), all.Select(r => r.Id));
        for (var i = 1; i <= 30; i++)
            Assert.True(all[i - 1].Sealed.Span.SequenceEqual(Sealed(i)), $"m{i} came back with other bytes");
        var one = await inbox.Ask<InboxQueries.Page>(new InboxQueries.Get(US, "m2"), Bound);
        Assert.True(Assert.Single(one.Items).Sealed.Span.SequenceEqual(Sealed(2)));
        var later = await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, "m27", 10), Bound);
        Assert.Equal(["m28", "m29", "m30"], later.Items.Select(i => i.Id));
    }
}
