using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>The sealer gathers concurrent requests under shared signatures, keeps each request's order, and refuses only the request that names an unknown bureau.</summary>
public sealed class SealerActorTests : TestKit
{
    private static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE");
    private readonly string _data = System.IO.Directory.CreateTempSubdirectory("actornet-sealer-").FullName;
    private readonly BureauCrypto _fr, _us;

    public SealerActorTests()
    {
        _fr = BureauCrypto.LoadOrCreate(FR, Path.Combine(_data, "FR"));
        _us = BureauCrypto.LoadOrCreate(US, Path.Combine(_data, "US"));
        _fr.Directory.Add(_us.PublicKeys);
        _us.Directory.Add(_fr.PublicKeys);
    }

    private static Draft To(BureauCode recipient, string body) => new([recipient], new MessagePayload("s", body), HandlingCode.H1, null, false);

    [Fact]
    public void Concurrent_requests_share_signatures_and_open_at_the_recipient_in_order()
    {
        var sealer = Sys.ActorOf(SealerActor.Props(_fr));
        const int requests = 40;
        var probes = Enumerable.Range(0, requests).Select(_ => CreateTestProbe()).ToArray();
        for (var i = 0; i < requests; i++)
            sealer.Tell(new SealerCommands.Seal([To(US, $"{i}a"), To(US, $"{i}b")]), probes[i]);

        var envelopes = probes.Select(p => p.ExpectMsg<SealerCommands.Sealed>(TimeSpan.FromSeconds(10)).Envelopes).ToArray();
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(2, envelopes[i].Count);
            var opened = envelopes[i].Select(e => _us.Opener.Open(e)).ToArray();
            Assert.All(opened, o => Assert.True(o.IsOpened, o.ToString()));
            Assert.Equal([$"{i}a", $"{i}b"], opened.Select(o => o.Payload!.Body));
        }
        Assert.Equal(requests * 2, envelopes.SelectMany(e => e).Select(e => e.Id).Distinct().Count());
        var signatures = envelopes.SelectMany(e => e).Select(e => Convert.ToHexString(e.Proof.Root.Span)).Distinct().Count();
        Assert.True(signatures < requests, $"{requests} requests sent at once were sealed under {signatures} signatures: no batching");
    }

    [Fact]
    public void A_request_naming_an_unknown_bureau_is_refused_with_its_index_and_the_others_are_sealed()
    {
        var sealer = Sys.ActorOf(SealerActor.Props(_fr));
        var good = CreateTestProbe();
        var bad = CreateTestProbe();
        sealer.Tell(new SealerCommands.Seal([To(US, "first")]), good);
        sealer.Tell(new SealerCommands.Seal([To(US, "fine"), To(DE, "nobody has DE's keys")]), bad);

        var refused = bad.ExpectMsg<SealerCommands.Refused>(TimeSpan.FromSeconds(10));
        Assert.Equal((1, DE), (refused.Index, refused.Recipient));
        Assert.True(_us.Opener.Open(good.ExpectMsg<SealerCommands.Sealed>(TimeSpan.FromSeconds(10)).Envelopes.Single()).IsOpened);
    }

    [Fact]
    public void Told_the_outbox_the_sealer_posts_there_in_the_requesters_name_and_answers_a_refusal_itself()
    {
        var sealer = Sys.ActorOf(SealerActor.Props(_fr));
        var outbox = CreateTestProbe();
        var requester = CreateTestProbe();

        sealer.Tell(new SealerCommands.Seal([To(US, "one"), To(US, "two")], outbox), requester);

        var posted = outbox.ExpectMsg<OutboxCommands.PostAll>(TimeSpan.FromSeconds(10));
        Assert.Equal(requester.Ref, outbox.LastSender); // the outbox answers the requester, once it has persisted them
        Assert.Equal(FR, posted.From);
        var envelopes = posted.Posts.Select(p => SealedEnvelope.FromBytes(p.Sealed)).ToArray();
        Assert.Equal(["one", "two"], envelopes.Select(e => _us.Opener.Open(e).Payload!.Body));
        Assert.Equal(envelopes.Select(e => e.Id), posted.Posts.Select(p => p.Id));
        Assert.All(posted.Posts, p => Assert.Equal([US], p.To));

        sealer.Tell(new SealerCommands.Seal([To(DE, "nobody has DE's keys")], outbox), requester);
        Assert.Equal((0, DE), requester.ExpectMsg<SealerCommands.Refused>(TimeSpan.FromSeconds(10)) is var r ? (r.Index, r.Recipient) : default);
    }

    [Fact]
    public void Keys_are_wrapped_once_a_batch_only_for_recipients_the_outbox_heard_read_them()
    {
        var sealer = Sys.ActorOf(SealerActor.Props(_fr));
        SealedEnvelope SealOne(string body)
        {
            sealer.Tell(new SealerCommands.Seal([To(US, body)]), TestActor);
            return ExpectMsg<SealerCommands.Sealed>(TimeSpan.FromSeconds(10)).Envelopes.Single();
        }

        Assert.True(SealOne("before").WrapSalt.IsEmpty);
        // The sealer subscribes as it starts: the first word may come before it listens, as an outbox's would be said again.
        Sys.EventStream.Publish(new SealerCommands.RecipientReads(DE, US, true)); // another bureau's outbox: not this sealer's business
        AwaitAssert(() =>
        {
            Sys.EventStream.Publish(new SealerCommands.RecipientReads(FR, US, true));
            var envelope = SealOne("after");
            Assert.Equal(SealedEnvelope.WrapSaltSize, envelope.WrapSalt.Length);
            Assert.Equal("after", _us.Opener.Open(SealedEnvelope.FromBytes(envelope.ToBytes())).Payload!.Body);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));

        Sys.EventStream.Publish(new SealerCommands.RecipientReads(FR, US, false));
        var again = SealOne("after a downgrade");
        Assert.True(again.WrapSalt.IsEmpty);
        Assert.True(_us.Opener.Open(again).IsOpened);
    }

    [Fact]
    public void A_sealer_does_not_take_another_bureaus_word_for_its_recipients()
    {
        var sealer = Sys.ActorOf(SealerActor.Props(_fr));
        var heard = CreateTestProbe();
        Sys.EventStream.Subscribe(heard, typeof(SealerCommands.RecipientReads));
        // Once the sealer surely listens (it answered a seal after a word it heeds was published and turned off again) ...
        AwaitAssert(() =>
        {
            Sys.EventStream.Publish(new SealerCommands.RecipientReads(FR, US, true));
            sealer.Tell(new SealerCommands.Seal([To(US, "probe")]), TestActor);
            Assert.False(ExpectMsg<SealerCommands.Sealed>(TimeSpan.FromSeconds(10)).Envelopes.Single().WrapSalt.IsEmpty);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        Sys.EventStream.Publish(new SealerCommands.RecipientReads(FR, US, false));

        // ... DE's outbox saying US reads them changes nothing for FR's sealer.
        Sys.EventStream.Publish(new SealerCommands.RecipientReads(DE, US, true));
        sealer.Tell(new SealerCommands.Seal([To(US, "still as before")]), TestActor);
        Assert.True(ExpectMsg<SealerCommands.Sealed>(TimeSpan.FromSeconds(10)).Envelopes.Single().WrapSalt.IsEmpty);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _fr.Keys.Dispose();
        _us.Keys.Dispose();
        try { System.IO.Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
