using System.Security.Cryptography;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;
using ActorNet.Protocol.Serialization;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Lets into a bureau's inbox only envelopes that are well formed, signed by the sender the delivery claims
/// (against the keys in the directory), addressed to this bureau with a content key it can unwrap, and carrying the id
/// they were delivered under (<see cref="Opener.Admit(SealedEnvelope)"/>). What it admits, parsed, with the content key it
/// unwrapped and (unless large, or too many wait) the payload it decrypted, goes to <paramref name="admitted"/> for the reader.
/// </summary>
public sealed class SealedEnvelopeGate(BureauCode self, Opener opener, AdmittedEnvelopes? admitted = null) : IEnvelopeGate
{
    public GateVerdict Check(BureauCode from, Parcel parcel)
    {
        SealedEnvelope envelope;
        try
        {
            envelope = SealedEnvelope.FromBytes(parcel.Sealed);
        }
        catch (Exception e) when (e is WireFormatException or ArgumentException)
        {
            return GateVerdict.Refuse("malformed: " + e.Message);
        }
        if (!envelope.Header.From.Equals(from))
            return GateVerdict.Refuse($"forged: delivered by {from} but claims to be from {envelope.Header.From}");
        if (envelope.Id != parcel.Id)
            return GateVerdict.Refuse($"tampered: delivered as {parcel.Id} but its header says {envelope.Id}");
        if (!envelope.Header.IsAddressedTo(self))
            return GateVerdict.Refuse($"wrongly addressed: not for {self}");
        if (admitted is null)
            return opener.Admit(envelope) is { } refusal ? GateVerdict.Refuse($"{refusal.Outcome}: {refusal.Reason}") : GateVerdict.Pass;
        var contentKey = new byte[Opener.ContentKeySize];
        // The payload is decrypted here anyway, to check its tag: kept, its reader need not decrypt it again.
        var length = Opener.PlaintextLength(envelope);
        var plaintext = admitted.WouldKeep(length) ? new byte[length] : null;
        if ((plaintext is null ? opener.Admit(envelope, contentKey) : opener.Admit(envelope, contentKey, plaintext)) is { } refused)
        {
            CryptographicOperations.ZeroMemory(contentKey);
            return GateVerdict.Refuse($"{refused.Outcome}: {refused.Reason}");
        }
        admitted.Add(parcel.Sealed, envelope, contentKey, plaintext);
        return GateVerdict.Pass;
    }
}
