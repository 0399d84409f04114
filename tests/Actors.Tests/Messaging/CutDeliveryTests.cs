using ActorNet.Actors.Messaging;
using ActorNet.Actors.Serialization;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>
/// The outbox sends a message to several bureaus whole until a recipient's inbox says it takes envelopes cut down to its
/// own key; from then on that recipient gets cuts, which its gate admits, and the others still get whole envelopes.
/// And it resends what is in flight only after a silence long for that recipient, not merely long.
/// </summary>
public sealed class CutDeliveryTests : TestKit, IDisposable
{
    private static readonly Config Config = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.actornet = "{{typeof(ActorNetSerializer).AssemblyQualifiedName}}"
          serialization-bindings { "{{typeof(IActorNetMessage).AssemblyQualifiedName}}" = actornet }
        }
        akka.loglevel = WARNING
        """);

    private static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _data = System.IO.Directory.CreateTempSubdirectory("actornet-cut-").FullName;
    private readonly BureauCrypto _fr, _us, _de;

    public CutDeliveryTests() : base(Config)
    {
        _fr = BureauCrypto.LoadOrCreate(FR, Path.Combine(_data, "FR"));
        _us = BureauCrypto.LoadOrCreate(US, Path.Combine(_data, "US"));
        _de = BureauCrypto.LoadOrCreate(DE, Path.Combine(_data, "DE"));
        foreach (var a in new[] { _fr, _us, _de })
            foreach (var b in new[] { _fr, _us, _de })
                a.Directory.Add(b.PublicKeys);
    }

    void IDisposable.Dispose()
    {
        Dispose();
        try { System.IO.Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private OutboxCommands.Post Post(string body, params BureauCode[] to)
    {
        var envelope = _fr.Sealer.Seal(_fr.Sealer.Header($"m-{Guid.NewGuid():N}", to, DateTimeOffset.UtcNow, HandlingCode.H1), new MessagePayload("s", body));
        return new OutboxCommands.Post(FR, envelope.Id, to, envelope.ToBytes());
    }

    private async Task<Parcel> NextParcelForAsync(BureauCode recipient) =>
        (await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == recipient, Bound)).Parcels.Single();

    [Fact]
    public async Task A_recipient_that_takes_cuts_gets_its_own_key_only_and_its_gate_admits_it()
    {
        var audit = CreateTestProbe();
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => TestActor));

        var first = Post("first", US, DE);
        outbox.Tell(first);
        var whole = SealedEnvelope.FromBytes((await NextParcelForAsync(US)).Sealed);
        Assert.False(whole.IsCut);
        Assert.Equal(2, whole.Keys.Count);

        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 1, TakesCut: true));
        outbox.Tell(new DeliveryProtocol.Accepted(DE, FR, 1));
        var second = Post("second", US, DE);
        outbox.Tell(second);
        // The second by its id: a starved test can be late enough for the outbox to resend the first meanwhile.
        var toUs = (await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US && d.Parcels.Single().Id == second.Id, Bound)).Parcels.Single();
        var cut = SealedEnvelope.FromBytes(toUs.Sealed);
        Assert.True(cut.IsCut);
        Assert.Equal(US, Assert.Single(cut.Keys).Recipient);
        Assert.Equal(GateVerdict.Pass, _us.Gate.Check(FR, toUs));
        Assert.Equal("second", _us.Opener.Open(cut).Payload!.Body);

        var toDe = SealedEnvelope.FromBytes((await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == DE && d.Parcels.Single().Id == second.Id, Bound)).Parcels.Single().Sealed);
        Assert.False(toDe.IsCut);
        Assert.True(_de.Opener.Open(toDe).IsOpened);
    }

    [Fact]
    public async Task Envelopes_forwarded_while_their_write_commits_are_cut_only_for_a_message_to_several()
    {
        var audit = CreateTestProbe();
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => TestActor));
        var first = Post("first", US);
        outbox.Tell(first);
        var incarnation = (await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US && d.Parcels.Count == 1, Bound)).Incarnation;
        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 1, TakesCut: true, HoldsBack: true, Incarnation: incarnation, ConfirmedUpTo: 1));
        await AwaitConditionAsync(async () => await outbox.Ask<object>(new OutboxQueries.GetStatus(FR, first.Id), Bound) is OutboxQueries.MessageStatus s
            && s.Recipients.Single().State == DeliveryStates.Delivered, Bound, TimeSpan.FromMilliseconds(20));

        // Sent before its write is committed, when the bookkeeping does not know the message yet: whole to its one recipient,
        // cut when it has several, as committed ones go.
        var single = Post("single", US);
        outbox.Tell(single);
        var early = await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US && d.Parcels.Any(p => p.Id == single.Id), Bound);
        Assert.True(early.Parcels.Single().Sealed.Span.SequenceEqual(single.Sealed.Span));

        var both = Post("both", US, DE);
        outbox.Tell(both);
        var cut = await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US && d.Parcels.Any(p => p.Id == both.Id), Bound);
        Assert.True(SealedEnvelope.FromBytes(cut.Parcels.Single(p => p.Id == both.Id).Sealed).IsCut);
    }

    [Fact]
    public async Task The_outbox_tells_its_nodes_sealers_when_a_recipient_starts_or_stops_reading_keys_wrapped_once_a_batch()
    {
        var audit = CreateTestProbe();
        var sealers = CreateTestProbe();
        Sys.EventStream.Subscribe(sealers, typeof(SealerCommands.RecipientReads));
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => TestActor));
        outbox.Tell(Post("first", US));
        outbox.Tell(Post("second", US));
        await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US, Bound);

        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 1, TakesCut: true, BatchWraps: true));
        Assert.Equal(new SealerCommands.RecipientReads(FR, US, true), await sealers.ExpectMsgAsync<SealerCommands.RecipientReads>(Bound));
        // Said again with every acknowledgement, heard once.
        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 2, TakesCut: true, BatchWraps: true));
        await sealers.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        // A node that no longer says so (an older version put back) gets keys wrapped as before from then on.
        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 2, TakesCut: true));
        Assert.Equal(new SealerCommands.RecipientReads(FR, US, false), await sealers.ExpectMsgAsync<SealerCommands.RecipientReads>(Bound));
    }

    [Fact]
    public async Task A_recipient_that_acknowledges_slowly_is_not_sent_everything_again_but_a_silent_one_is()
    {
        var audit = CreateTestProbe();
        // A first retry of 4 s rather than 2: a test starved of CPU for a second still acknowledges before it.
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => TestActor, new OutboxSettings { FirstRetry = TimeSpan.FromSeconds(4) }));

        // The first acknowledgement takes 2 s: the outbox learns that this recipient is slow, not gone.
        outbox.Tell(Post("first", US));
        Assert.Equal(1, (await NextParcelForAsync(US)).Sequence);
        await ExpectNoMsgAsync(TimeSpan.FromSeconds(2));
        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 1));

        // The next waits past the 4 s that would make a fast recipient's parcels count as lost (four of this one's round
        // trips are 8 s): not sent again yet.
        outbox.Tell(Post("second", US));
        Assert.Equal(2, (await NextParcelForAsync(US)).Sequence);
        await ExpectNoMsgAsync(TimeSpan.FromSeconds(5));

        // Still silent after four of its round trips: what is in flight counts as lost and goes again (four round trips of
        // a few seconds each when this test is starved of CPU: a generous bound).
        Assert.Equal(2, (await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US, Bound * 2)).Parcels.Single().Sequence);
    }

    [Fact]
    public async Task After_a_silence_one_deliver_goes_again_as_a_probe_and_the_rest_once_it_is_acknowledged()
    {
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, CreateTestProbe(), _ => TestActor, new OutboxSettings(BatchSize: 2)));
        foreach (var body in new[] { "a", "b", "c", "d", "e" })
            outbox.Tell(Post(body, US));
        var sent = new List<long>();
        while (sent.Count < 5)
            sent.AddRange((await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US, Bound)).Parcels.Select(p => p.Sequence));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], sent);

        // Silent past the 2 s backoff: the first Deliver goes again, and only that one.
        var probe = await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US, Bound);
        Assert.Equal([1L, 2L], probe.Parcels.Select(p => p.Sequence));
        // Nothing but that probe before it is acknowledged (the probe itself may go again if this test is starved past its backoff).
        var meanwhile = new List<object>();
        await foreach (var m in ReceiveWhileAsync<object>(TimeSpan.FromMilliseconds(1500), m => m))
            meanwhile.Add(m);
        Assert.All(meanwhile, m => Assert.Equal([1L, 2L], Assert.IsType<DeliveryProtocol.Deliver>(m).Parcels.Select(p => p.Sequence)));

        outbox.Tell(new DeliveryProtocol.Accepted(US, FR, 2));
        var rest = new List<long>();
        while (rest.Count < 3)
            rest.AddRange((await FishForMessageAsync<DeliveryProtocol.Deliver>(d => d.To == US && d.Parcels[0].Sequence > 2, Bound)).Parcels.Select(p => p.Sequence));
        Assert.Equal([3L, 4L, 5L], rest);
    }

    [Fact]
    public void The_cutter_cuts_only_as_many_as_fit_in_a_deliver()
    {
        var cutter = new EnvelopeCutter();
        var posts = new[] { "a", "b", "c", "d" }.Select(body => Post(body, US, DE)).ToArray();
        var parcels = posts.Select((p, i) => new Parcel(i + 1, p.Id, p.Sealed)).ToArray();
        var one = cutter.For(DE, parcels, _ => 2).First().Sealed.Length;

        var fitting = cutter.For(DE, parcels, _ => 2, maxBytes: 2 * one + 1);
        Assert.Equal([1L, 2L], fitting.Select(p => p.Sequence));
        Assert.All(fitting, p => Assert.True(SealedEnvelope.FromBytes(p.Sealed).IsCut));
        Assert.Equal([1L], cutter.For(DE, parcels, _ => 2, maxBytes: 1).Select(p => p.Sequence)); // one goes, however large
        Assert.Equal([1L, 2L], EnvelopeCutter.Fitting(parcels, parcels[0].Sealed.Length * 2).Select(p => p.Sequence));
    }

    [Fact]
    public void The_cutter_leaves_single_recipient_messages_and_undecodable_bytes_whole()
    {
        var cutter = new EnvelopeCutter();
        var single = Post("one", US);
        var parcels = new[] { new Parcel(1, single.Id, single.Sealed), new Parcel(2, "junk", new byte[] { 1, 2, 3 }) };

        Assert.Same(parcels, cutter.For(US, parcels, id => id == single.Id ? 1 : 2));
        var many = Post("many", US, DE);
        var cut = cutter.For(DE, [new Parcel(3, many.Id, many.Sealed)], _ => 2).Single();
        Assert.True(SealedEnvelope.FromBytes(cut.Sealed).IsCut);
        Assert.Equal(many.Id, cut.Id);
    }
}
