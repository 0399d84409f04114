using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>The inbox's gate checks everything but the payload's decryption; its reader decrypts, and still refuses bytes altered at rest.</summary>
public sealed class GateAndReaderTests : IDisposable
{
    private static readonly BureauCode FR = new("FR"), US = new("US");
    private readonly string _data = System.IO.Directory.CreateTempSubdirectory("actornet-gate-").FullName;
    private readonly BureauCrypto _fr, _us;

    public GateAndReaderTests()
    {
        _fr = BureauCrypto.LoadOrCreate(FR, Path.Combine(_data, "FR"));
        _us = BureauCrypto.LoadOrCreate(US, Path.Combine(_data, "US"));
        _fr.Directory.Add(_us.PublicKeys);
        _us.Directory.Add(_fr.PublicKeys);
    }

    public void Dispose()
    {
        _fr.Keys.Dispose();
        _us.Keys.Dispose();
        try { System.IO.Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private IReadOnlyList<SealedEnvelope> Seal(int count) =>
        _fr.Sealer.Seal(Enumerable.Range(0, count)
            .Select(i => (_fr.Sealer.Header($"m-{Guid.NewGuid():N}", [US], DateTimeOffset.UtcNow, HandlingCode.H1), new MessagePayload("s", $"body {i}")))
            .ToArray());

    private static SealedEnvelope WithPayloadBitFlipped(SealedEnvelope e, int index)
    {
        var payload = e.Payload.ToArray();
        payload[index] ^= 0x01;
        return new SealedEnvelope(e.Header, payload, e.Keys, e.Proof);
    }

    private static InboxEvents.Received Arrival(SealedEnvelope e, string? id = null) => new(FR, 1, id ?? e.Id, e.ToBytes(), DateTimeOffset.UtcNow);

    [Fact]
    public void The_gate_admits_an_intact_envelope_and_the_reader_opens_it()
    {
        var envelope = Seal(2)[0];

        Assert.Equal(GateVerdict.Pass, _us.Gate.Check(FR, new Parcel(1, envelope.Id, envelope.ToBytes())));
        var opened = _us.OpenForReader(Arrival(envelope));

        Assert.True(opened.IsOpened, opened.ToString());
        Assert.Equal("body 0", opened.Payload!.Body);
    }

    [Fact]
    public void The_gate_refuses_a_payload_whose_ciphertext_was_tampered_with()
    {
        var envelope = WithPayloadBitFlipped(Seal(2)[0], 20);

        var verdict = _us.Gate.Check(FR, new Parcel(1, envelope.Id, envelope.ToBytes()));

        Assert.False(verdict.Accepted);
        Assert.StartsWith(nameof(OpenOutcome.Tampered), verdict.Refusal);
    }

    [Fact]
    public void The_reader_refuses_an_inbox_entry_whose_payload_was_altered_after_admission()
    {
        var envelope = Seal(2)[0];
        Assert.True(_us.Gate.Check(FR, new Parcel(1, envelope.Id, envelope.ToBytes())).Accepted);

        var opened = _us.OpenForReader(Arrival(WithPayloadBitFlipped(envelope, envelope.Payload.Length - 1)));

        Assert.Equal(OpenOutcome.Tampered, opened.Outcome);
        Assert.Null(opened.Payload);
    }

    [Fact]
    public void The_reader_refuses_an_inbox_entry_holding_another_messages_envelope()
    {
        var envelopes = Seal(2);

        var opened = _us.OpenForReader(Arrival(envelopes[1], id: envelopes[0].Id));

        Assert.Equal(OpenOutcome.Tampered, opened.Outcome);
        Assert.Null(opened.Payload);
        Assert.Contains(envelopes[0].Id, opened.Reason);
    }

    [Fact]
    public void The_reader_takes_the_gates_parse_of_the_same_bytes_once()
    {
        var envelope = Seal(2)[0];
        var bytes = new ReadOnlyMemory<byte>(envelope.ToBytes());
        Assert.True(_us.Gate.Check(FR, new Parcel(1, envelope.Id, bytes)).Accepted);
        Assert.Equal(1, _us.Admitted.Count);

        var arrival = new InboxEvents.Received(FR, 1, envelope.Id, bytes, DateTimeOffset.UtcNow);
        Assert.True(_us.OpenForReader(arrival).IsOpened);
        Assert.Equal(0, _us.Admitted.Count);
        Assert.True(_us.OpenForReader(arrival).IsOpened); // read again: parsed again, the key unwrapped again
    }

    [Fact]
    public void The_gate_keeps_the_content_key_for_the_reader_who_wipes_it()
    {
        var envelope = Seal(2)[0];
        var bytes = new ReadOnlyMemory<byte>(envelope.ToBytes());
        var admitted = new AdmittedEnvelopes();
        var gate = new SealedEnvelopeGate(US, _us.Opener, admitted);
        Assert.True(gate.Check(FR, new Parcel(1, envelope.Id, bytes)).Accepted);

        var (parsed, key, plaintext) = admitted.Take(envelope.Id, bytes)!.Value;

        Assert.Equal(envelope.Id, parsed.Id);
        Assert.NotNull(key);
        Assert.Contains(key!, b => b != 0);
        var opened = _us.Opener.OpenAdmitted(parsed, key);
        Assert.True(opened.IsOpened, opened.ToString());
        Assert.Equal("body 0", opened.Payload!.Body);
        // and the payload it decrypted to check its tag, which the reader then only decodes
        Assert.NotNull(plaintext);
        var decoded = _us.Opener.OpenDecrypted(parsed, plaintext!);
        Assert.True(decoded.IsOpened, decoded.ToString());
        Assert.Equal("body 0", decoded.Payload!.Body);
        Assert.Equal(0, admitted.PlaintextBytes);
    }

    [Fact]
    public void The_reader_wipes_the_plaintext_it_was_handed_and_decodes_it_without_decrypting()
    {
        var envelope = Seal(2)[0];
        var bytes = new ReadOnlyMemory<byte>(envelope.ToBytes());
        var key = new byte[Opener.ContentKeySize];
        var plaintext = new byte[Opener.PlaintextLength(envelope)];
        Assert.Null(_us.Opener.Admit(envelope, key, plaintext));
        // A key that opens nothing: only the plaintext can make this reading succeed.
        Array.Fill(key, (byte)7);
        _us.Admitted.Add(bytes, envelope, key, plaintext);
        Assert.Equal(plaintext.Length, _us.Admitted.PlaintextBytes);

        var opened = _us.OpenForReader(new InboxEvents.Received(FR, 1, envelope.Id, bytes, DateTimeOffset.UtcNow));

        Assert.True(opened.IsOpened, opened.ToString());
        Assert.Equal("body 0", opened.Payload!.Body);
        Assert.All(plaintext, b => Assert.Equal(0, b));
        Assert.All(key, b => Assert.Equal(0, b));
        Assert.Equal(0, _us.Admitted.PlaintextBytes);
    }

    [Fact]
    public void Plaintexts_are_kept_within_their_budget_and_wiped_when_forgotten()
    {
        var envelopes = Seal(4);
        var length = Opener.PlaintextLength(envelopes[0]);
        var admitted = new AdmittedEnvelopes(capacity: 3, plaintextBudget: 2 * length);
        var bytes = envelopes.Select(e => new ReadOnlyMemory<byte>(e.ToBytes())).ToArray();
        var plaintexts = envelopes.Select(e => Enumerable.Repeat((byte)9, Opener.PlaintextLength(e)).ToArray()).ToArray();

        Assert.True(admitted.WouldKeep(length));
        admitted.Add(bytes[0], envelopes[0], null, plaintexts[0]);
        admitted.Add(bytes[1], envelopes[1], null, plaintexts[1]);
        Assert.False(admitted.WouldKeep(length));
        admitted.Add(bytes[2], envelopes[2], null, plaintexts[2]); // over the budget: wiped at once, the envelope kept
        Assert.All(plaintexts[2], b => Assert.Equal(0, b));
        Assert.Null(admitted.Take(envelopes[2].Id, bytes[2])!.Value.Plaintext);
        Assert.Equal(2 * length, admitted.PlaintextBytes);

        admitted.Add(bytes[3], envelopes[3], null, null); // four added: the oldest is forgotten, its plaintext wiped
        Assert.All(plaintexts[0], b => Assert.Equal(0, b));
        Assert.Null(admitted.Take(envelopes[0].Id, bytes[0]));
        Assert.Equal(length, admitted.PlaintextBytes);
        Assert.Same(plaintexts[1], admitted.Take(envelopes[1].Id, bytes[1])!.Value.Plaintext);
        Assert.Equal(0, admitted.PlaintextBytes);
        Assert.False(admitted.WouldKeep(AdmittedEnvelopes.MaxPlaintext + 1));
    }

    [Fact]
    public void The_reader_wipes_the_key_it_was_handed()
    {
        var envelope = Seal(2)[0];
        var bytes = new ReadOnlyMemory<byte>(envelope.ToBytes());
        var key = new byte[Opener.ContentKeySize];
        Assert.Null(_us.Opener.Admit(envelope, key));
        _us.Admitted.Add(bytes, envelope, key);

        Assert.True(_us.OpenForReader(new InboxEvents.Received(FR, 1, envelope.Id, bytes, DateTimeOffset.UtcNow)).IsOpened);
        Assert.All(key, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Admitted_envelopes_are_bounded_and_match_only_the_memory_they_were_parsed_from()
    {
        var admitted = new AdmittedEnvelopes(capacity: 3);
        var envelopes = Seal(5);
        var bytes = envelopes.Select(e => new ReadOnlyMemory<byte>(e.ToBytes())).ToArray();
        var keys = Enumerable.Range(0, 5).Select(i => Enumerable.Repeat((byte)(i + 1), Opener.ContentKeySize).ToArray()).ToArray();
        for (var i = 0; i < 5; i++)
            admitted.Add(bytes[i], envelopes[i], keys[i]);

        Assert.Equal(3, admitted.Count);
        Assert.Null(admitted.Take(envelopes[0].Id, bytes[0])); // the oldest were forgotten, their keys wiped
        Assert.All(keys[0].Concat(keys[1]), b => Assert.Equal(0, b));
        Assert.Null(admitted.Take(envelopes[2].Id, bytes[2].ToArray())); // equal bytes, other memory: refused, key wiped
        Assert.All(keys[2], b => Assert.Equal(0, b));
        var third = admitted.Take(envelopes[3].Id, bytes[3]);
        Assert.Same(envelopes[3], third?.Envelope);
        Assert.Same(keys[3], third?.ContentKey);
        Assert.Null(admitted.Take(envelopes[3].Id, bytes[3])); // once
        Assert.Same(envelopes[4], admitted.Take(envelopes[4].Id, bytes[4])?.Envelope);
        Assert.Equal(0, admitted.Count);
        Assert.All(keys[3], b => Assert.Equal(4, b)); // taken: the taker's to wipe
    }
}
