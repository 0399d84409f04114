using ActorNet.Protocol.Sealing;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests.Sealing;

/// <summary>
/// An envelope to several bureaus cut down to one recipient's wrapped key: it opens for that recipient only, it is smaller,
/// and no part of it can be altered or borrowed from another recipient's cut without the gate refusing it.
/// </summary>
public class EnvelopeCutTests : IDisposable
{
    private readonly Bureaus bureaus = new();

    public void Dispose() => bureaus.Dispose();

    /// <summary>Which recipients the sealer wraps keys for once a batch; none here, all in <see cref="BatchWrappedEnvelopeCutTests"/>.</summary>
    protected virtual Func<BureauCode, bool>? ReadsBatchWraps => null;

    private IReadOnlyList<SealedEnvelope> SealToThree(int batch = 3) =>
        bureaus.Sealer(FR).Seal(Enumerable.Range(0, batch).Select(i => (bureaus.Header(FR, US, DE, ES), Payload($"message {i}"))).ToList(), ReadsBatchWraps);

    [Fact]
    public void Every_recipient_opens_its_cut_of_every_envelope_and_the_cut_is_smaller()
    {
        var envelopes = SealToThree();
        foreach (var recipient in new[] { US, DE, ES })
            for (var i = 0; i < envelopes.Count; i++)
            {
                var cut = envelopes[i].CutFor(recipient)!;
                var travelled = SealedEnvelope.FromBytes(cut.ToBytes());

                Assert.True(travelled.IsCut);
                Assert.Equal(recipient, Assert.Single(travelled.Keys).Recipient);
                Assert.True(cut.ToBytes().Length < envelopes[i].ToBytes().Length);
                var gate = bureaus.Opener(recipient).Open(travelled);
                Assert.True(gate.IsOpened, $"{recipient} envelope {i}: {gate}");
                Assert.Equal($"message {i}", gate.Payload!.Body);
                Assert.Equal(envelopes[i].Header, gate.Header);
                Assert.True(bureaus.Opener(recipient).OpenAdmitted(travelled).IsOpened);
            }
        // The whole envelopes still open as before (their v1 leaf), as older nodes check them.
        Assert.True(bureaus.Opener(DE).Open(envelopes[1]).IsOpened);
    }

    [Fact]
    public void Cut_bytes_assembled_from_the_shared_part_read_as_the_cut_and_open_for_their_recipient_only()
    {
        var envelope = SealToThree()[1];
        var cuts = envelope.Cuts()!;
        foreach (var recipient in new[] { US, DE, ES })
        {
            var travelled = SealedEnvelope.FromBytes(cuts.BytesFor(recipient)!);
            Assert.Equal(cuts.For(recipient)!.ToBytes(), travelled.ToBytes());
            Assert.Equal("message 1", bureaus.Opener(recipient).Open(travelled).Payload!.Body);
            foreach (var other in new[] { US, DE, ES }.Where(o => o != recipient))
                Assert.False(bureaus.Opener(other).Open(travelled).IsOpened);
        }
        Assert.Null(cuts.BytesFor(FR));
    }

    [Fact]
    public void A_cut_opens_for_no_other_recipient()
    {
        var cut = SealToThree()[0].CutFor(US)!;

        var result = bureaus.Opener(DE).Open(cut);

        Assert.Equal(OpenOutcome.Tampered, result.Outcome);
        Assert.Contains("no content key for DE", result.Reason);
    }

    [Fact]
    public void An_envelope_for_one_recipient_is_not_cut()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);

        Assert.Null(envelope.Cuts());
        Assert.Null(envelope.CutFor(US));
        Assert.Null(SealToThree()[0].CutFor(FR)); // the sender holds no key of its own in it
    }

    [Fact]
    public void A_cut_is_made_only_if_its_leaf_leads_to_the_signed_root()
    {
        // An older node's batch has no v2 leaf beside the envelope's, so the cut's leaf would lead elsewhere; so does a
        // path that does not belong to the root. Either way the outbox sends the envelope whole.
        var whole = SealToThree(2)[0];
        var p = whole.Proof;
        var elsewhere = new SealedEnvelope(whole.Header, whole.Payload, whole.Keys,
            new BatchProof(p.Root, p.LeafIndex, p.BatchSize, [p.Path[0], new byte[32]], p.Signature), WrapSalt: whole.WrapSalt);

        Assert.Equal(2, p.Path.Count);
        Assert.Null(elsewhere.Cuts());
        Assert.NotNull(whole.Cuts());
    }

    public static TheoryData<string> Alterations() =>
        new("key path", "key index", "key count", "key of another recipient's cut", "batch path", "leaf index back to the v1 leaf",
            "key proof removed", "wrapped key bytes", "payload");

    [Theory]
    [MemberData(nameof(Alterations))]
    public void An_altered_cut_is_refused_as_tampered(string part)
    {
        var envelopes = SealToThree(4);
        var cut = envelopes[1].CutFor(US)!;
        var other = envelopes[1].CutFor(DE)!;
        var k = cut.KeyProof!;
        var p = cut.Proof;
        SealedEnvelope With(KeyProof? keyProof = null, BatchProof? proof = null, IReadOnlyList<WrappedKey>? keys = null, ReadOnlyMemory<byte>? payload = null) =>
            new(cut.Header, payload ?? cut.Payload, keys ?? cut.Keys, proof ?? p, keyProof ?? k, cut.WrapSalt);
        var altered = part switch
        {
            "key path" => With(keyProof: new KeyProof(k.Index, k.Count, [Flip(k.Path[0]), .. k.Path.Skip(1)])),
            "key index" => With(keyProof: new KeyProof((k.Index + 1) % k.Count, k.Count, k.Path)),
            "key count" => With(keyProof: new KeyProof(k.Index, k.Count + 1, k.Path)),
            "key of another recipient's cut" => With(keys: other.Keys),
            "batch path" => With(proof: new BatchProof(p.Root, p.LeafIndex, p.BatchSize, [Flip(p.Path[0]), .. p.Path.Skip(1)], p.Signature)),
            "leaf index back to the v1 leaf" => With(proof: new BatchProof(p.Root, p.LeafIndex - 1, p.BatchSize, p.Path, p.Signature)),
            "key proof removed" => new SealedEnvelope(cut.Header, cut.Payload, cut.Keys, p, WrapSalt: cut.WrapSalt),
            "wrapped key bytes" => With(keys: [new WrappedKey(cut.Keys[0].Recipient, cut.Keys[0].RecipientKeyVersion, Flip(cut.Keys[0].Key))]),
            "payload" => With(payload: Flip(cut.Payload, 20)),
            _ => throw new ArgumentOutOfRangeException(nameof(part)),
        };

        var result = bureaus.Opener(US).Open(SealedEnvelope.FromBytes(altered.ToBytes()));

        Assert.Equal(OpenOutcome.Tampered, result.Outcome);
    }

    [Fact]
    public void Cuts_of_one_message_opened_side_by_side_still_refuse_an_altered_path_or_leaf()
    {
        // One process hosting all three recipients works a cut's batch path out once for all of them (Opener's memo):
        // what it remembers must never let an altered cut through, before, between or after the genuine ones.
        var envelope = SealToThree(5)[3];
        var p = envelope.CutFor(US)!.Proof;
        SealedEnvelope Altered(BureauCode recipient, BatchProof proof)
        {
            var cut = envelope.CutFor(recipient)!;
            return SealedEnvelope.FromBytes(new SealedEnvelope(cut.Header, cut.Payload, cut.Keys, proof, cut.KeyProof, cut.WrapSalt).ToBytes());
        }
        var flippedPath = new BatchProof(p.Root, p.LeafIndex, p.BatchSize, [.. p.Path.SkipLast(1), Flip(p.Path[^1])], p.Signature);
        var otherLeaf = new BatchProof(p.Root, p.LeafIndex + 1, p.BatchSize, p.Path, p.Signature);

        Assert.Equal(OpenOutcome.Tampered, bureaus.Opener(US).Open(Altered(US, flippedPath)).Outcome);
        foreach (var recipient in new[] { US, DE, ES, DE })
        {
            Assert.True(bureaus.Opener(recipient).Open(SealedEnvelope.FromBytes(envelope.CutFor(recipient)!.ToBytes())).IsOpened, $"{recipient}");
            Assert.Equal(OpenOutcome.Tampered, bureaus.Opener(recipient).Open(Altered(recipient, flippedPath)).Outcome);
            Assert.Equal(OpenOutcome.Tampered, bureaus.Opener(recipient).Open(Altered(recipient, otherLeaf)).Outcome);
        }
        var payloadAltered = envelope.CutFor(ES)!;
        Assert.Equal(OpenOutcome.Tampered, bureaus.Opener(ES).Open(
            new SealedEnvelope(payloadAltered.Header, Flip(payloadAltered.Payload, 20), payloadAltered.Keys, p, payloadAltered.KeyProof, payloadAltered.WrapSalt)).Outcome);
    }

    [Fact]
    public void A_batch_signature_verified_for_one_hosted_recipient_is_not_verified_again_for_the_next_but_a_changed_one_is_refused()
    {
        var envelope = SealToThree(2)[0];
        var sender = bureaus.Directory.Find(FR, envelope.Header.SenderKeyVersion)!;
        Assert.False(Opener.HasVerifiedBatchOf(envelope, sender));

        Assert.True(bureaus.Opener(US).Open(envelope.CutFor(US)!).IsOpened);

        // DE's opener, another object as a node hosting both has, finds the batch verified; an altered signature on the
        // same root is not taken for it.
        Assert.True(Opener.HasVerifiedBatchOf(envelope.CutFor(DE)!, sender));
        var cut = envelope.CutFor(DE)!;
        var forged = new SealedEnvelope(cut.Header, cut.Payload, cut.Keys,
            new BatchProof(cut.Proof.Root, cut.Proof.LeafIndex, cut.Proof.BatchSize, cut.Proof.Path, Flip(cut.Proof.Signature, 40)), cut.KeyProof, cut.WrapSalt);
        Assert.Equal(OpenOutcome.Forged, bureaus.Opener(DE).Open(forged).Outcome);
        Assert.True(bureaus.Opener(DE).Open(cut).IsOpened);
    }

    private static ReadOnlyMemory<byte> Flip(ReadOnlyMemory<byte> bytes, int index = 0)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }
}
