namespace ActorNet.Protocol.Directory;

/// <summary>One bureau as the Secretariat's directory knows it.</summary>
/// <param name="Fingerprint">Hex SHA-256 of the bureau's current public signing key; null until the bureau has enrolled keys.</param>
/// <param name="ApprovedAt">When an operator (or GS's --auto-enrol) approved the bureau; null while it is pending.</param>
public sealed record DirectoryEntry(
    BureauCode Bureau,
    DateTimeOffset EnrolledAt,
    DateTimeOffset LastSeen,
    string? Fingerprint,
    bool Online,
    IReadOnlyList<Sealing.BureauPublicKeys>? Keys = null,
    DateTimeOffset? ApprovedAt = null,
    IReadOnlyList<KeyEndorsement>? Endorsements = null)
{
    public const string Pending = "pending";
    public const string Approved = "approved";

    /// <summary>Every key version the bureau has enrolled, oldest first: old ones still verify old messages.</summary>
    public IReadOnlyList<Sealing.BureauPublicKeys> Keys { get; init; } = Keys ?? [];

    /// <summary>GS's signed word for each key version it vouches for; a version without one is not to be used.</summary>
    public IReadOnlyList<KeyEndorsement> Endorsements { get; init; } = Endorsements ?? [];

    public bool IsApproved => ApprovedAt is not null;

    /// <summary><c>pending</c> until approved, then <c>approved</c>.</summary>
    public string Status => IsApproved ? Approved : Pending;

    public Sealing.BureauPublicKeys? LatestKeys => Keys.Count == 0 ? null : Keys.MaxBy(k => k.Version);

    public KeyEndorsement? EndorsementOf(int version) => Endorsements.LastOrDefault(e => e.Version == version);
}
