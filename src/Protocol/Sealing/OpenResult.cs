namespace ActorNet.Protocol.Sealing;

/// <summary>What opening an envelope came to; every outcome but <see cref="Opened"/> is a refusal to audit.</summary>
public enum OpenOutcome
{
    /// <summary>Signed by its sender, addressed to us, decrypted.</summary>
    Opened,

    /// <summary>The directory holds no keys for the sender at the version named, or we no longer hold the agreement key it was sealed to.</summary>
    UnknownKey,

    /// <summary>The batch signature does not verify under the sender's key: someone else signed it.</summary>
    Forged,

    /// <summary>The envelope differs from what was signed, or its ciphertext does not authenticate.</summary>
    Tampered,

    /// <summary>Authentic, but we are not among its recipients.</summary>
    WronglyAddressed,
}

/// <summary>The outcome of <see cref="Opener.Open"/>; <see cref="Payload"/> is set only when <see cref="Outcome"/> is <see cref="OpenOutcome.Opened"/>.</summary>
/// <param name="Header">The envelope's header as received: trust it only when opened.</param>
/// <param name="Reason">One line for the audit log; never holds plaintext or key material.</param>
public sealed record OpenResult(OpenOutcome Outcome, EnvelopeHeader Header, MessagePayload? Payload, string Reason)
{
    public bool IsOpened => Outcome == OpenOutcome.Opened;

    /// <summary>The id the inbox deduplicates by.</summary>
    public string EnvelopeId => Header.Id;

    internal static OpenResult Refused(OpenOutcome outcome, EnvelopeHeader header, string reason) => new(outcome, header, null, reason);

    public override string ToString() => $"{Outcome} {Header.Id} from {Header.From}: {Reason}";
}
