using ActorNet.Protocol.Sealing;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests.Sealing;

/// <summary>
/// Every sealing and opening test again with the keys wrapped once a batch (<see cref="SealedEnvelope.WrapSalt"/>), and what
/// only that way has: one salt for the batch, envelopes for recipients that do not read it sealed as before, and a salt that
/// is taken away, added or changed refused.
/// </summary>
public sealed class BatchWrappedSealerOpenerTests : SealerOpenerTests
{
    protected override Func<BureauCode, bool>? ReadsBatchWraps => _ => true;

    [Fact]
    public void Batches_share_one_random_salt_until_it_has_wrapped_enough_keys_or_aged_then_another_is_drawn()
    {
        var clock = new SteppedClock();
        var sealer = new Sealer(FR, bureaus.Keys(FR), bureaus.Directory) { Clock = clock, WrapsPerSaltLimit = 5 };
        var first = sealer.Seal(Enumerable.Range(0, 2).Select(i => (bureaus.Header(FR, US, DE), Payload($"m{i}"))).ToList(), ReadsBatchWraps);
        var second = sealer.Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);
        // Five keys wrapped under the first salt (two envelopes to two recipients, one to one): the next batch draws another.
        var third = sealer.Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);
        clock.Now += Sealer.SaltLifetime - TimeSpan.FromMilliseconds(1);
        var fourth = sealer.Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);
        clock.Now += TimeSpan.FromMilliseconds(1);
        var fifth = sealer.Seal(bureaus.Header(FR, DE), Payload(), ReadsBatchWraps);

        string Salt(SealedEnvelope e) => Convert.ToHexString(e.WrapSalt.Span);
        Assert.All(first.Append(fifth), e => Assert.Equal(SealedEnvelope.WrapSaltSize, e.WrapSalt.Length));
        Assert.Equal([Salt(first[0]), Salt(first[0]), Salt(first[0]), Salt(third), Salt(third), Salt(fifth)],
            [Salt(first[0]), Salt(first[1]), Salt(second), Salt(third), Salt(fourth), Salt(fifth)]);
        Assert.Equal(3, new[] { Salt(first[0]), Salt(third), Salt(fifth) }.Distinct().Count());
        // Each wrap has its own nonce although the wrapping key is one a recipient.
        Assert.Equal(3, first.Append(second).Select(e => Convert.ToHexString(e.Keys[0].Key.Span[..12])).Distinct().Count());
        // And each opens, at a gate that keeps the last salt's key and at one that sees a salt for the first time.
        var gate = bureaus.Opener(US);
        foreach (var envelope in first.Append(second).Append(third).Append(fourth))
            Assert.Equal(OpenOutcome.Opened, gate.Open(envelope).Outcome);
        Assert.Equal(OpenOutcome.Opened, bureaus.Opener(DE).Open(fifth).Outcome);
        Assert.Equal(OpenOutcome.Opened, bureaus.Opener(DE).Open(first[1]).Outcome);
    }

    [Fact]
    public void One_salt_wraps_for_a_recipients_new_key_version_under_a_key_of_its_own()
    {
        var sealer = bureaus.Sealer(FR);
        var before = sealer.Seal(bureaus.Header(FR, US), Payload("sealed to version 1"), ReadsBatchWraps);
        using var rotated = bureaus.Keys(US).Rotate();
        bureaus.Enrol(US, rotated);
        var after = sealer.Seal(bureaus.Header(FR, US), Payload("sealed to version 2"), ReadsBatchWraps);

        Assert.Equal(before.WrapSalt.ToArray(), after.WrapSalt.ToArray());
        Assert.Equal([1, 2], new[] { before, after }.Select(e => e.Keys[0].RecipientKeyVersion));
        var gate = bureaus.Opener(US);
        Assert.Equal("sealed to version 1", gate.Open(before).Payload?.Body);
        Assert.Equal("sealed to version 2", gate.Open(after).Payload?.Body);
    }

    private sealed class SteppedClock : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void An_envelope_with_a_recipient_that_does_not_read_batch_wraps_is_sealed_as_before_and_all_open()
    {
        var envelopes = bureaus.Sealer(FR).Seal(
            [(bureaus.Header(FR, US), Payload("to US")), (bureaus.Header(FR, US, DE), Payload("to US and DE")), (bureaus.Header(FR, DE), Payload("to DE"))],
            readsBatchWraps: b => b != DE);

        Assert.Equal([SealedEnvelope.WrapSaltSize, 0, 0], envelopes.Select(e => e.WrapSalt.Length));
        Assert.Equal("to US", bureaus.Opener(US).Open(envelopes[0]).Payload!.Body);
        Assert.Equal("to US and DE", bureaus.Opener(US).Open(envelopes[1]).Payload!.Body);
        Assert.Equal("to US and DE", bureaus.Opener(DE).Open(envelopes[1]).Payload!.Body);
        Assert.Equal("to DE", bureaus.Opener(DE).Open(SealedEnvelope.FromBytes(envelopes[2].ToBytes())).Payload!.Body);
    }

    [Fact]
    public void The_salt_travels_in_the_envelope_and_taking_it_away_is_refused_at_the_gate_and_by_the_reader()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US, DE), Payload(), ReadsBatchWraps);
        var travelled = SealedEnvelope.FromBytes(envelope.ToBytes());
        var cut = SealedEnvelope.FromBytes(envelope.CutFor(US)!.ToBytes());
        var stripped = new SealedEnvelope(envelope.Header, envelope.Payload, envelope.Keys, envelope.Proof);
        var opener = bureaus.Opener(US);

        Assert.Equal(envelope.WrapSalt.ToArray(), travelled.WrapSalt.ToArray());
        Assert.Equal(envelope.WrapSalt.ToArray(), cut.WrapSalt.ToArray());
        Assert.True(opener.Open(travelled).IsOpened);
        Assert.True(opener.Open(cut).IsOpened);
        Assert.Equal(OpenOutcome.Tampered, opener.Open(stripped).Outcome);
        Assert.Equal(OpenOutcome.Tampered, opener.OpenAdmitted(stripped).Outcome);
        Assert.Throws<ArgumentException>(() => new SealedEnvelope(envelope.Header, envelope.Payload, envelope.Keys, envelope.Proof, WrapSalt: new byte[8]));
    }

    [Fact]
    public void Both_leaves_of_an_envelope_cover_its_salt()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US, DE), Payload(), ReadsBatchWraps);
        var header = Canonical.Header(envelope.Header);
        var otherSalt = Flip(envelope.WrapSalt, 0);
        var keysRoot = MerkleTree.Root(envelope.Keys.Select(Canonical.KeyDigest).ToArray());
        string V1(ReadOnlyMemory<byte> salt) => Convert.ToHexString(Canonical.Digest(header, envelope.Payload.Span, envelope.Keys, salt));
        string V2(ReadOnlyMemory<byte> salt)
        {
            var digest = new byte[32];
            Canonical.DigestV2(header, envelope.Payload.Span, envelope.Keys.Count, keysRoot, salt, digest);
            return Convert.ToHexString(digest);
        }

        Assert.Equal(3, new[] { V1(envelope.WrapSalt), V1(otherSalt), V1(ReadOnlyMemory<byte>.Empty) }.Distinct().Count());
        Assert.Equal(3, new[] { V2(envelope.WrapSalt), V2(otherSalt), V2(ReadOnlyMemory<byte>.Empty) }.Distinct().Count());
    }

    [Fact]
    public void Envelopes_of_batches_from_two_senders_opened_in_turn_each_open_and_a_salt_from_the_other_batch_does_not()
    {
        // The opener keeps the last batch's wrapping key a thread: interleaved batches and senders must each get their own.
        var fromFr = bureaus.Sealer(FR).Seal(Enumerable.Range(0, 2).Select(i => (bureaus.Header(FR, US), Payload($"FR {i}"))).ToList(), ReadsBatchWraps);
        var fromFrLater = bureaus.Sealer(FR).Seal(Enumerable.Range(0, 2).Select(i => (bureaus.Header(FR, US), Payload($"FR later {i}"))).ToList(), ReadsBatchWraps);
        var fromDe = bureaus.Sealer(DE).Seal(Enumerable.Range(0, 2).Select(i => (bureaus.Header(DE, US), Payload($"DE {i}"))).ToList(), ReadsBatchWraps);
        var opener = bureaus.Opener(US);

        foreach (var (envelope, body) in new[]
                 {
                     (fromFr[0], "FR 0"), (fromFrLater[0], "FR later 0"), (fromDe[0], "DE 0"), (fromFr[1], "FR 1"), (fromDe[1], "DE 1"),
                     (fromFrLater[1], "FR later 1"),
                 })
            Assert.Equal(body, opener.OpenAdmitted(envelope).Payload!.Body);
        Assert.Equal(OpenOutcome.Tampered, opener.OpenAdmitted(With(fromFr[1], wrapSalt: fromDe[1].WrapSalt.ToArray())).Outcome);
        Assert.Equal("FR 1", opener.OpenAdmitted(fromFr[1]).Payload!.Body);
    }
}
