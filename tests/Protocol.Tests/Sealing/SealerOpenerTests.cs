using System.Text;
using ActorNet.Protocol.Sealing;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests.Sealing;

public class SealerOpenerTests : IDisposable
{
    protected readonly Bureaus bureaus = new();

    /// <summary>Which recipients the sealer wraps keys for once a batch; none here, all in <see cref="BatchWrappedSealerOpenerTests"/>.</summary>
    protected virtual Func<BureauCode, bool>? ReadsBatchWraps => null;

    public void Dispose() => bureaus.Dispose();

    [Fact]
    public void The_one_recipient_opens_what_was_sealed_for_it()
    {
        var payload = Payload();
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), payload, ReadsBatchWraps);

        var result = bureaus.Opener(US).Open(envelope);

        Assert.Equal(OpenOutcome.Opened, result.Outcome);
        Assert.Equal(envelope.Id, result.EnvelopeId);
        Assert.Equal(payload.Subject, result.Payload!.Subject);
        Assert.Equal(payload.Body, result.Payload.Body);
        var attachment = Assert.Single(result.Payload.Attachments);
        Assert.Equal("photo.jpg", attachment.Name);
        Assert.Equal(payload.Attachments[0].Content.ToArray(), attachment.Content.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public void Every_recipient_opens_every_envelope_of_a_batch(int batchSize)
    {
        var batch = Enumerable.Range(0, batchSize)
            .Select(i => (bureaus.Header(FR, US, DE, ES), Payload($"message {i}")))
            .ToList();

        var envelopes = bureaus.Sealer(FR).Seal(batch, ReadsBatchWraps);

        Assert.Equal(batchSize, envelopes.Count);
        Assert.Single(envelopes.Select(e => Convert.ToHexString(e.Proof.Signature.Span)).Distinct());
        foreach (var recipient in new[] { US, DE, ES })
        {
            var opener = bureaus.Opener(recipient);
            for (var i = 0; i < batchSize; i++)
            {
                var result = opener.Open(envelopes[i]);
                Assert.True(result.IsOpened, $"{recipient} envelope {i}: {result}");
                Assert.Equal($"message {i}", result.Payload!.Body);
                Assert.Equal(batch[i].Item1, result.Header);
            }
        }
    }

    [Fact]
    public void A_bureau_that_is_not_a_recipient_cannot_open_it()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US, DE), Payload(), ReadsBatchWraps);

        var result = bureaus.Opener(ES).Open(envelope);

        Assert.Equal(OpenOutcome.WronglyAddressed, result.Outcome);
        Assert.Null(result.Payload);
    }

    [Fact]
    public void An_envelope_survives_the_wire()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);

        var received = SealedEnvelope.FromBytes(envelope.ToBytes());

        Assert.Equal(envelope.Header, received.Header);
        Assert.True(bureaus.Opener(US).Open(received).IsOpened);
    }

    public static TheoryData<string, OpenOutcome> Alterations() => new()
    {
        { "header id", OpenOutcome.Tampered },
        { "header recipients", OpenOutcome.Tampered },
        { "header sent at", OpenOutcome.Tampered },
        { "header handling code", OpenOutcome.Tampered },
        { "header case id", OpenOutcome.Tampered },
        { "header forwarding", OpenOutcome.Tampered },
        { "payload ciphertext", OpenOutcome.Tampered },
        { "payload tag", OpenOutcome.Tampered },
        { "header sender", OpenOutcome.Tampered },
        { "payload of another envelope", OpenOutcome.Tampered },
        { "wrapped key", OpenOutcome.Tampered },
        { "wrapped key version", OpenOutcome.Tampered },
        { "merkle path", OpenOutcome.Tampered },
        { "leaf index", OpenOutcome.Tampered },
        { "root", OpenOutcome.Tampered },
        { "signature", OpenOutcome.Forged },
        { "wrap salt", OpenOutcome.Tampered },
    };

    [Theory]
    [MemberData(nameof(Alterations))]
    public void An_altered_envelope_is_refused_with_the_reason(string part, OpenOutcome expected)
    {
        var envelopes = bureaus.Sealer(FR).Seal(Enumerable.Range(0, 3).Select(_ => (bureaus.Header(FR, US, DE), Payload())).ToList(), ReadsBatchWraps);
        var opener = bureaus.Opener(US);
        // Opening the intact batch first puts its root in the verified cache: an alteration must be caught all the same.
        Assert.All(envelopes, e => Assert.True(opener.Open(e).IsOpened));

        var altered = Alter(envelopes, part);

        var result = opener.Open(altered);

        Assert.Equal(expected, result.Outcome);
        Assert.Null(result.Payload);
    }

    public static TheoryData<string> AlterationsAtRest() =>
        new("header id", "header recipients", "header sent at", "header handling code", "header case id", "header forwarding",
            "payload ciphertext", "payload tag", "wrapped key", "header sender", "payload of another envelope", "wrap salt");

    [Theory]
    [MemberData(nameof(AlterationsAtRest))]
    public void The_readers_opening_refuses_what_was_altered_after_the_gate_admitted_it(string part)
    {
        var envelopes = bureaus.Sealer(FR).Seal(Enumerable.Range(0, 3).Select(_ => (bureaus.Header(FR, US, DE), Payload())).ToList(), ReadsBatchWraps);
        var opener = bureaus.Opener(US);
        Assert.All(envelopes, e => Assert.True(opener.Open(e).IsOpened));
        Assert.All(envelopes, e => Assert.True(opener.OpenAdmitted(e).IsOpened));

        var altered = Alter(envelopes, part);

        var result = opener.OpenAdmitted(altered);

        Assert.Equal(OpenOutcome.Tampered, result.Outcome);
        Assert.Null(result.Payload);
    }

    [Fact]
    public void The_readers_opening_shows_what_the_gate_opened()
    {
        var envelope = SealedEnvelope.FromBytes(bureaus.Sealer(FR).Seal(bureaus.Header(FR, US, DE), Payload(), ReadsBatchWraps).ToBytes());
        var opener = bureaus.Opener(US);

        var atGate = opener.Open(envelope);
        var forReader = opener.OpenAdmitted(envelope);

        Assert.True(forReader.IsOpened, forReader.ToString());
        Assert.Equal(atGate.Header, forReader.Header);
        Assert.Equal(atGate.Payload!.Body, forReader.Payload!.Body);
        Assert.Equal(atGate.Payload.Attachments[0].Content.ToArray(), forReader.Payload.Attachments[0].Content.ToArray());
        Assert.Equal(OpenOutcome.WronglyAddressed, bureaus.Opener(ES).OpenAdmitted(envelope).Outcome);
    }

    [Fact]
    public void The_reader_opens_with_the_content_key_the_gate_unwrapped_and_nothing_else()
    {
        var envelopes = bureaus.Sealer(FR).Seal(Enumerable.Range(0, 2).Select(i => (bureaus.Header(FR, US, DE), Payload($"message {i}"))).ToList(), ReadsBatchWraps);
        var opener = bureaus.Opener(US);
        var keys = new byte[2][];
        for (var i = 0; i < 2; i++)
        {
            keys[i] = new byte[Opener.ContentKeySize];
            Assert.Null(opener.Admit(envelopes[i], keys[i]));
        }

        var opened = opener.OpenAdmitted(envelopes[0], keys[0]);

        Assert.True(opened.IsOpened, opened.ToString());
        Assert.Equal("message 0", opened.Payload!.Body);
        Assert.Equal(OpenOutcome.Tampered, opener.OpenAdmitted(envelopes[0], keys[1]).Outcome); // another message's key
        Assert.Equal(OpenOutcome.Tampered, opener.OpenAdmitted(Alter(envelopes, "payload ciphertext"), keys[0]).Outcome);
        Assert.Equal(OpenOutcome.Tampered, opener.OpenAdmitted(Alter(envelopes, "header sent at"), keys[0]).Outcome);
        Assert.Throws<ArgumentException>(() => opener.OpenAdmitted(envelopes[0], keys[0].AsSpan(1)));
    }

    [Fact]
    public void The_gate_can_hand_the_payload_it_decrypted_to_the_reader_who_only_decodes_it()
    {
        var envelopes = bureaus.Sealer(FR).Seal(Enumerable.Range(0, 2).Select(i => (bureaus.Header(FR, US, DE), Payload($"message {i}"))).ToList(), ReadsBatchWraps);
        var opener = bureaus.Opener(US);
        var key = new byte[Opener.ContentKeySize];
        var plaintext = new byte[Opener.PlaintextLength(envelopes[0])];

        Assert.Null(opener.Admit(envelopes[0], key, plaintext));
        var opened = opener.OpenDecrypted(envelopes[0], plaintext);

        Assert.True(opened.IsOpened, opened.ToString());
        Assert.Equal(opener.Open(envelopes[0]).Payload!.Body, opened.Payload!.Body);
        Assert.Equal("message 0", opened.Payload.Body);
        Assert.Throws<ArgumentException>(() => opener.Admit(envelopes[0], key, new byte[plaintext.Length - 1]));
        Assert.Throws<ArgumentException>(() => opener.OpenDecrypted(envelopes[0], new byte[plaintext.Length + 1]));
        // Authentic bytes that do not decode: refused as the sender's, not thrown.
        Assert.Equal(OpenOutcome.Tampered, opener.OpenDecrypted(envelopes[0], Enumerable.Repeat((byte)0xFF, plaintext.Length).ToArray()).Outcome);
    }

    [Fact]
    public void The_gate_hands_out_no_plaintext_for_an_envelope_whose_payload_does_not_authenticate()
    {
        var envelopes = bureaus.Sealer(FR).Seal(Enumerable.Range(0, 3).Select(_ => (bureaus.Header(FR, US, DE), Payload())).ToList(), ReadsBatchWraps);
        var opener = bureaus.Opener(US);
        var key = new byte[Opener.ContentKeySize];
        var altered = Alter(envelopes, "payload ciphertext");
        var plaintext = Enumerable.Repeat((byte)5, Opener.PlaintextLength(altered)).ToArray();

        Assert.NotNull(opener.Admit(altered, key, plaintext));
        Assert.All(plaintext, b => Assert.Equal(0, b));
    }

    [Fact]
    public void The_gate_hands_out_no_key_for_an_envelope_it_refuses()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);
        var badSignature = With(envelope, signature: Flip(envelope.Proof.Signature, 40));
        var key = new byte[Opener.ContentKeySize];

        Assert.Equal(OpenOutcome.Forged, bureaus.Opener(US).Admit(badSignature, key)?.Outcome);
        Assert.All(key, b => Assert.Equal(0, b));
    }

    [Fact]
    public void The_batch_proof_is_the_gates_to_check_not_the_readers()
    {
        // What the reader's opening skips, on purpose: the gate refuses this, and only what the gate admitted is in an inbox.
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);
        var badSignature = With(envelope, signature: Flip(envelope.Proof.Signature, 40));
        var opener = bureaus.Opener(US);

        Assert.Equal(OpenOutcome.Forged, opener.Open(badSignature).Outcome);
        Assert.True(opener.OpenAdmitted(badSignature).IsOpened);
    }

    [Fact]
    public void No_single_flipped_bit_in_the_serialized_envelope_opens()
    {
        var bytes = bureaus.Sealer(FR).Seal([(bureaus.Header(FR, US), Payload("short")), (bureaus.Header(FR, US), Payload("other"))], ReadsBatchWraps)[0].ToBytes();
        var opener = bureaus.Opener(US);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= (byte)(1 << (i % 8));
            string outcome;
            try
            {
                var result = opener.Open(SealedEnvelope.FromBytes(altered));
                Assert.False(result.IsOpened, $"a flipped bit at byte {i} still opens");
                outcome = result.Outcome.ToString();
            }
            catch (Serialization.WireFormatException)
            {
                outcome = "undecodable";
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault(nameof(OpenOutcome.Tampered)) > bytes.Length / 2, string.Join(", ", outcomes));
        Assert.True(outcomes.ContainsKey(nameof(OpenOutcome.Forged)), string.Join(", ", outcomes));
    }

    [Fact]
    public void The_gate_admits_what_opens_and_refuses_every_flipped_bit()
    {
        var envelopes = bureaus.Sealer(FR).Seal([(bureaus.Header(FR, US, DE), Payload("short")), (bureaus.Header(FR, US), Payload("other"))], ReadsBatchWraps);
        var opener = bureaus.Opener(US);
        Assert.Null(opener.Admit(envelopes[0]));
        Assert.Null(opener.Admit(envelopes[0].CutFor(US)!));
        Assert.Equal(OpenOutcome.WronglyAddressed, bureaus.Opener(ES).Admit(envelopes[0])?.Outcome);
        Assert.Equal(OpenOutcome.Tampered, opener.Admit(envelopes[0].CutFor(DE)!)?.Outcome); // DE's key only: none for US

        foreach (var bytes in new[] { envelopes[0].ToBytes(), envelopes[0].CutFor(US)!.ToBytes() })
            for (var i = 0; i < bytes.Length; i++)
            {
                var altered = (byte[])bytes.Clone();
                altered[i] ^= (byte)(1 << (i % 8));
                SealedEnvelope parsed;
                try
                {
                    parsed = SealedEnvelope.FromBytes(altered);
                }
                catch (Serialization.WireFormatException)
                {
                    continue;
                }
                Assert.True(opener.Admit(parsed) is not null, $"a flipped bit at byte {i} of {bytes.Length} is admitted");
            }
    }

    [Fact]
    public void The_gate_refuses_a_signed_payload_that_does_not_authenticate_and_the_reader_too()
    {
        var mixed = bureaus.SignedWithAnotherPayload(FR, US);

        var refused = bureaus.Opener(US).Admit(mixed);
        Assert.Equal(OpenOutcome.Tampered, refused?.Outcome);
        Assert.Contains("payload does not authenticate", refused!.Reason);
        Assert.Equal(OpenOutcome.Tampered, bureaus.Opener(US).OpenAdmitted(mixed).Outcome);
    }

    [Fact]
    public void An_envelope_signed_with_another_bureaus_key_is_refused_as_forged()
    {
        // DE's keys, FR's name: what a bureau impersonating another would produce.
        var impostor = new Sealer(FR, bureaus.Keys(DE), bureaus.Directory);
        var forged = impostor.Seal(impostor.Header("forged-1", [US], At, HandlingCode.H0), Payload(), ReadsBatchWraps);

        var result = bureaus.Opener(US).Open(forged);

        Assert.Equal(OpenOutcome.Forged, result.Outcome);
    }

    [Fact]
    public void A_sender_key_version_missing_from_the_directory_is_an_unknown_key()
    {
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);
        var h = envelope.Header;
        var claimed = With(envelope, header: new EnvelopeHeader(h.Id, h.From, h.To, h.SentAt, h.HandlingCode, h.CaseId, 9, h.ForwardingAllowed));

        Assert.Equal(OpenOutcome.UnknownKey, bureaus.Opener(US).Open(claimed).Outcome);
    }

    [Fact]
    public void Messages_sealed_to_an_old_agreement_key_still_open_after_the_recipient_rotates()
    {
        var old = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload("sealed to version 1"), ReadsBatchWraps);
        using var rotated = bureaus.Keys(US).Rotate();
        bureaus.Enrol(US, rotated);

        var fresh = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload("sealed to version 2"), ReadsBatchWraps);
        var opener = bureaus.Opener(US);

        Assert.Equal(1, old.Keys[0].RecipientKeyVersion);
        Assert.Equal(2, fresh.Keys[0].RecipientKeyVersion);
        Assert.Equal("sealed to version 1", opener.Open(old).Payload?.Body);
        Assert.Equal("sealed to version 2", opener.Open(fresh).Payload?.Body);
    }

    [Fact]
    public void Messages_signed_before_the_sender_rotates_still_verify()
    {
        var old = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);
        using var rotated = bureaus.Keys(FR).Rotate();
        bureaus.Enrol(FR, rotated);

        var fresh = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload(), ReadsBatchWraps);

        Assert.Equal(2, fresh.Header.SenderKeyVersion);
        Assert.True(bureaus.Opener(US).Open(old).IsOpened);
        Assert.True(bureaus.Opener(US).Open(fresh).IsOpened);
    }

    [Fact]
    public void A_body_of_exactly_one_mebibyte_is_sealed_and_opened()
    {
        var body = new string('a', MessagePayload.MaxContentBytes);
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), new MessagePayload("big", body), ReadsBatchWraps);

        Assert.Equal(body, bureaus.Opener(US).Open(SealedEnvelope.FromBytes(envelope.ToBytes())).Payload?.Body);
    }

    [Fact]
    public void A_body_over_one_mebibyte_is_refused()
    {
        var e = Assert.Throws<PayloadTooLargeException>(() => new MessagePayload("big", new string('a', MessagePayload.MaxContentBytes + 1)));
        Assert.Equal(MessagePayload.MaxContentBytes + 1, e.Size);
        // Multi-byte characters count as the bytes they take.
        Assert.Throws<PayloadTooLargeException>(() => new MessagePayload("big", new string('é', MessagePayload.MaxContentBytes / 2 + 1)));
    }

    [Fact]
    public void Attachments_count_towards_the_one_mebibyte()
    {
        var half = new byte[MessagePayload.MaxContentBytes / 2];
        Assert.Throws<PayloadTooLargeException>(() =>
            new MessagePayload("s", "x", [new Attachment("a.bin", "application/octet-stream", half), new Attachment("b.bin", "application/octet-stream", half)]));
    }

    [Fact]
    public void No_plaintext_appears_in_the_serialized_envelope()
    {
        const string secret = "UNIQUE-BODY-7f3a9c1e-the-suspect-is-in-Lyon";
        const string subject = "UNIQUE-SUBJECT-41b2";
        var payload = new MessagePayload(subject, secret, [new Attachment("UNIQUE-NAME-9d0e.txt", "text/plain", Encoding.UTF8.GetBytes("UNIQUE-ATTACHMENT-55aa"))]);

        var bytes = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US, DE), payload, ReadsBatchWraps).ToBytes();

        foreach (var marker in new[] { secret, "the-suspect", subject, "UNIQUE-NAME", "UNIQUE-ATTACHMENT" })
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(marker)));
        }
    }

    [Fact]
    public void Sealing_for_an_unknown_recipient_is_refused_naming_it()
    {
        var sealer = bureaus.Sealer(FR);
        var e = Assert.Throws<UnknownRecipientException>(() => sealer.Seal(sealer.Header("m-1", [US, new BureauCode("JP")], At, HandlingCode.H0), Payload(), ReadsBatchWraps));
        Assert.Equal(new BureauCode("JP"), e.Bureau);
    }

    [Fact]
    public void A_sealer_seals_only_its_own_bureaus_envelopes_under_its_current_key()
    {
        var sealer = bureaus.Sealer(FR);
        Assert.Throws<ArgumentException>(() => sealer.Seal(new EnvelopeHeader("m-1", DE, [US], At, HandlingCode.H0, null, 1), Payload(), ReadsBatchWraps));
        Assert.Throws<ArgumentException>(() => sealer.Seal(new EnvelopeHeader("m-1", FR, [US], At, HandlingCode.H0, null, 2), Payload(), ReadsBatchWraps));
        Assert.Throws<ArgumentException>(() => sealer.Seal([], ReadsBatchWraps));
    }

    // The envelope's parts validate in their constructors and so have no init accessors: alterations are rebuilt whole.
    /// <summary>The batch's second envelope with one <paramref name="part"/> changed, as an attacker on the wire or in a journal would.</summary>
    private static SealedEnvelope Alter(IReadOnlyList<SealedEnvelope> envelopes, string part)
    {
        var e = envelopes[1];
        var h = e.Header;
        return part switch
        {
            "header id" => With(e, header: new EnvelopeHeader(h.Id + "x", h.From, h.To, h.SentAt, h.HandlingCode, h.CaseId, h.SenderKeyVersion, h.ForwardingAllowed)),
            "header recipients" => With(e, header: new EnvelopeHeader(h.Id, h.From, [US], h.SentAt, h.HandlingCode, h.CaseId, h.SenderKeyVersion, h.ForwardingAllowed)),
            "header sent at" => With(e, header: new EnvelopeHeader(h.Id, h.From, h.To, h.SentAt.AddMilliseconds(1), h.HandlingCode, h.CaseId, h.SenderKeyVersion, h.ForwardingAllowed)),
            "header handling code" => With(e, header: new EnvelopeHeader(h.Id, h.From, h.To, h.SentAt, HandlingCode.H0, h.CaseId, h.SenderKeyVersion, h.ForwardingAllowed)),
            "header case id" => With(e, header: new EnvelopeHeader(h.Id, h.From, h.To, h.SentAt, h.HandlingCode, null, h.SenderKeyVersion, h.ForwardingAllowed)),
            "header forwarding" => With(e, header: new EnvelopeHeader(h.Id, h.From, h.To, h.SentAt, h.HandlingCode, h.CaseId, h.SenderKeyVersion, !h.ForwardingAllowed)),
            // Another enrolled bureau's name: its pairwise secret with US is not the one the key was wrapped under.
            "header sender" => With(e, header: new EnvelopeHeader(h.Id, ES, h.To, h.SentAt, h.HandlingCode, h.CaseId, h.SenderKeyVersion, h.ForwardingAllowed)),
            "payload ciphertext" => With(e, payload: Flip(e.Payload, 12 + 3)),
            "payload tag" => With(e, payload: Flip(e.Payload, e.Payload.Length - 1)),
            "payload of another envelope" => With(e, payload: envelopes[2].Payload.ToArray(), keys: envelopes[2].Keys),
            "wrapped key" => With(e, keys: [new WrappedKey(US, 1, Flip(e.Keys[0].Key, 20)), e.Keys[1]]),
            "wrapped key version" => With(e, keys: [new WrappedKey(US, 2, e.Keys[0].Key), e.Keys[1]]),
            "merkle path" => With(e, path: [Flip(e.Proof.Path[0], 0), .. e.Proof.Path.Skip(1)]),
            "leaf index" => With(e, leafIndex: 0),
            "root" => With(e, root: Flip(e.Proof.Root, 31)),
            "signature" => With(e, signature: Flip(e.Proof.Signature, 40)),
            // A bit flipped in the batch's salt, or a salt given to an envelope whose keys were wrapped for it alone.
            "wrap salt" => With(e, wrapSalt: e.WrapSalt.IsEmpty ? new byte[SealedEnvelope.WrapSaltSize] : Flip(e.WrapSalt, 5)),
            _ => throw new ArgumentException(part),
        };
    }

    protected static SealedEnvelope With(SealedEnvelope e, EnvelopeHeader? header = null, byte[]? payload = null, IReadOnlyList<WrappedKey>? keys = null,
        IReadOnlyList<ReadOnlyMemory<byte>>? path = null, int? leafIndex = null, byte[]? root = null, byte[]? signature = null, byte[]? wrapSalt = null) =>
        new(header ?? e.Header, payload ?? e.Payload, keys ?? e.Keys,
            new BatchProof(root ?? e.Proof.Root, leafIndex ?? e.Proof.LeafIndex, e.Proof.BatchSize, path ?? e.Proof.Path, signature ?? e.Proof.Signature),
            WrapSalt: wrapSalt ?? e.WrapSalt);

    protected static byte[] Flip(ReadOnlyMemory<byte> bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }
}
