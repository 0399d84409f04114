namespace ActorNet.Protocol.Directory;

/// <summary>One bureau as the Secretariat's directory knows it.</summary>
/// <param name="Fingerprint">Hex SHA-256 of the bureau's public signing key; null until the bureau has enrolled keys.</param>
public sealed record DirectoryEntry(
    BureauCode Bureau,
    DateTimeOffset EnrolledAt,
    DateTimeOffset LastSeen,
    string? Fingerprint,
    bool Online);
