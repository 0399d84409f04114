using System.Security.Cryptography;
using System.Text;

namespace ActorNet.Protocol.Audit;

/// <summary>What happened, in the audit log's words: sends, deliveries, reads, refusals and key changes.</summary>
public static class AuditKinds
{
    public const string NodeStarted = "node-started";
    public const string MessageSent = "message-sent";
    public const string MessageDelivered = "message-delivered";
    public const string MessageReceived = "message-received";
    public const string MessageRead = "message-read";
    public const string EnvelopeRefused = "envelope-refused";
    public const string KeyCreated = "key-created";
    public const string KeyEnrolled = "key-enrolled";
    public const string KeyEnrolmentRefused = "key-enrolment-refused";
    public const string KeyRotated = "key-rotated";
    public const string BureauApproved = "bureau-approved";
    public const string DirectoryEntryRefused = "directory-entry-refused";
    public const string NoticeRequested = "notice-requested";
    public const string NoticeReviewed = "notice-reviewed";
    public const string NoticeSent = "notice-sent";
    public const string NoticeClosed = "notice-closed";
}

/// <summary>
/// One entry of a node's append-only audit log. Each entry's hash covers its fields and the previous entry's hash,
/// so editing or removing any entry breaks the chain from there on.
/// </summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Kind,
    string? MessageId,
    string? Peer,
    string Detail,
    string PreviousHash,
    string Hash) : IActorNetMessage
{
    /// <summary>The hash before the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static AuditEntry Create(long sequence, DateTimeOffset at, string kind, string? messageId, string? peer, string detail, string previousHash) =>
        new(sequence, at, kind, messageId, peer, detail, previousHash, ComputeHash(sequence, at, kind, messageId, peer, detail, previousHash));

    public bool HashIsValid => Hash == ComputeHash(Sequence, At, Kind, MessageId, Peer, Detail, PreviousHash);

    /// <summary>SHA-256 over the length-prefixed fields, so no two different entries can share an encoding.</summary>
    public static string ComputeHash(long sequence, DateTimeOffset at, string kind, string? messageId, string? peer, string detail, string previousHash)
    {
        var buffer = new StringBuilder();
        foreach (var field in new[] { sequence.ToString(), at.ToUnixTimeMilliseconds().ToString(), kind, messageId ?? "\0", peer ?? "\0", detail, previousHash })
            buffer.Append(field.Length).Append(':').Append(field).Append(';');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(buffer.ToString())));
    }
}
