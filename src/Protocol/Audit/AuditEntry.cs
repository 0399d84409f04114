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
/// <param name="MessageId">The one message the entry is about, if any.</param>
/// <param name="MessageIds">
/// The messages the entry is about when it is about several (a batch sent, a delivered range, a page read): one entry
/// for all of them, covered by its hash like every other field. Null for an entry about one message or none.
/// </param>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Kind,
    string? MessageId,
    string? Peer,
    string Detail,
    string PreviousHash,
    string Hash,
    IReadOnlyList<string>? MessageIds = null) : IActorNetMessage
{
    /// <summary>The hash before the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static AuditEntry Create(long sequence, DateTimeOffset at, string kind, string? messageId, string? peer, string detail, string previousHash,
        IReadOnlyList<string>? messageIds = null)
    {
        var ids = messageIds is { Count: > 0 } ? messageIds : null;
        return new(sequence, at, kind, messageId, peer, detail, previousHash, ComputeHash(sequence, at, kind, messageId, peer, detail, previousHash, ids), ids);
    }

    public bool HashIsValid => Hash == ComputeHash(Sequence, At, Kind, MessageId, Peer, Detail, PreviousHash, MessageIds);

    /// <summary>Whether the entry is about message <paramref name="id"/>, alone or among others.</summary>
    public bool Names(string id) => MessageId == id || MessageIds?.Contains(id) == true;

    /// <summary>
    /// SHA-256 over the length-prefixed fields, so no two different entries can share an encoding. An entry about several
    /// messages adds their count and each id after the others (entries about one or none hash as they always have).
    /// </summary>
    public static string ComputeHash(long sequence, DateTimeOffset at, string kind, string? messageId, string? peer, string detail, string previousHash,
        IReadOnlyList<string>? messageIds = null)
    {
        var buffer = new StringBuilder();
        void Field(string field) => buffer.Append(field.Length).Append(':').Append(field).Append(';');
        foreach (var field in new[] { sequence.ToString(), at.ToUnixTimeMilliseconds().ToString(), kind, messageId ?? "\0", peer ?? "\0", detail, previousHash })
            Field(field);
        if (messageIds is { Count: > 0 })
        {
            Field("ids " + messageIds.Count);
            foreach (var id in messageIds)
                Field(id);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(buffer.ToString())));
    }
}
