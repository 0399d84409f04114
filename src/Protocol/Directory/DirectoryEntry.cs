namespace ActorNet.Protocol.Directory;

/// <summary>One bureau as the Secretariat's directory knows it.</summary>
/// <param name="Fingerprint">Hex SHA-256 of the bureau's current public signing key; null until the bureau has enrolled keys.</param>
public sealed record DirectoryEntry(
    BureauCode Bureau,
    DateTimeOffset EnrolledAt,
    DateTimeOffset LastSeen,
    string? Fingerprint,
    bool Online,
    IReadOnlyList<Sealing.BureauPublicKeys>? Keys = null)
{
    /// <summary>Every key version the bureau has enrolled, oldest first: old ones still verify old messages.</summary>
    public IReadOnlyList<Sealing.BureauPublicKeys> Keys { get; init; } = Keys ?? [];
}
