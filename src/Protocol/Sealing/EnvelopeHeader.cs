namespace ActorNet.Protocol.Sealing;

/// <summary>The clear part of a sealed message: who sends it to whom, when and under which handling code; signed, never encrypted.</summary>
/// <param name="SenderKeyVersion">The version of the sender's keys that signed the batch and wrapped the content key.</param>
/// <param name="ForwardingAllowed">The originator allows an H2/H3 message to be passed on; H0/H1 messages may be forwarded anyway.</param>
public sealed record EnvelopeHeader(
    string Id,
    BureauCode From,
    IReadOnlyList<BureauCode> To,
    DateTimeOffset SentAt,
    HandlingCode HandlingCode,
    string? CaseId,
    int SenderKeyVersion,
    bool ForwardingAllowed = false)
{
    public const int MaxIdLength = 128;
    public const int MaxRecipients = 1000;

    public string Id { get; } = ValidId(Id);

    public BureauCode From { get; } = From ?? throw new ArgumentNullException(nameof(From));

    public IReadOnlyList<BureauCode> To { get; } = ValidRecipients(To);

    // The wire and the signature carry milliseconds: anything finer would not survive a round trip.
    public DateTimeOffset SentAt { get; } = DateTimeOffset.FromUnixTimeMilliseconds(SentAt.ToUnixTimeMilliseconds());

    public HandlingCode HandlingCode { get; } = Enum.IsDefined(HandlingCode)
        ? HandlingCode
        : throw new ArgumentException($"{(int)HandlingCode} is not a handling code: use H0 to H3", nameof(HandlingCode));

    public string? CaseId { get; } = CaseId is null || (CaseId.Length is > 0 and <= MaxIdLength && !CaseId.Any(char.IsControl))
        ? CaseId
        : throw new ArgumentException($"a case id is 1 to {MaxIdLength} printable characters, or none", nameof(CaseId));

    public int SenderKeyVersion { get; } = SenderKeyVersion >= 1
        ? SenderKeyVersion
        : throw new ArgumentOutOfRangeException(nameof(SenderKeyVersion), SenderKeyVersion, "key versions start at 1");

    // Every property is get-only, so no with-expression can change a header: its canonical bytes, which the gate and then
    // the reader (handed the gate's parse) both need, are made once and kept with it.
    private byte[]? _canonical;

    internal byte[] CanonicalBytes => _canonical ??= Canonical.MakeHeader(this);

    /// <summary>Whether a recipient may pass the message on without asking the originator.</summary>
    public bool MayBeForwarded => HandlingCode is HandlingCode.H0 or HandlingCode.H1 || ForwardingAllowed;

    public bool IsAddressedTo(BureauCode bureau) => To.Contains(bureau);

    // Value equality over the recipients too, in order: the order is signed.
    public bool Equals(EnvelopeHeader? other) =>
        other is not null && Id == other.Id && From == other.From && To.SequenceEqual(other.To) && SentAt == other.SentAt
        && HandlingCode == other.HandlingCode && CaseId == other.CaseId && SenderKeyVersion == other.SenderKeyVersion
        && ForwardingAllowed == other.ForwardingAllowed;

    public override int GetHashCode() => HashCode.Combine(Id, From, To.Count, SentAt, HandlingCode, CaseId, SenderKeyVersion, ForwardingAllowed);

    private static string ValidId(string id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && !id.Any(char.IsControl)
            ? id
            : throw new ArgumentException($"an envelope id is 1 to {MaxIdLength} printable characters", nameof(Id));

    private static IReadOnlyList<BureauCode> ValidRecipients(IReadOnlyList<BureauCode> to)
    {
        ArgumentNullException.ThrowIfNull(to, nameof(To));
        if (to.Count == 0)
            throw new ArgumentException("an envelope needs at least one recipient", nameof(To));
        if (to.Count > MaxRecipients)
            throw new ArgumentException($"an envelope has at most {MaxRecipients} recipients, not {to.Count}", nameof(To));
        var copy = to.ToArray();
        if (copy.Any(b => b is null))
            throw new ArgumentException("a recipient is missing", nameof(To));
        var seen = new HashSet<string>(copy.Length, StringComparer.Ordinal);
        if (!copy.All(b => seen.Add(b.Value)))
            throw new ArgumentException($"a recipient is named twice: {string.Join(",", copy.Select(b => b.Value))}", nameof(To));
        return copy;
    }
}
