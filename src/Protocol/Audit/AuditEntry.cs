using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ActorNet.Protocol.Sealing;

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
    /// <summary>Parcels an inbox held back and dropped: their sender's outbox restarted without having committed them.</summary>
    public const string MessageWithdrawn = "message-withdrawn";
    /// <summary>A bureau's outbox started a new run (after a start of its node, or a restart of the actor).</summary>
    public const string OutboxResumed = "outbox-resumed";
    public const string KeyCreated = "key-created";
    public const string KeyEnrolled = "key-enrolled";
    public const string KeyEnrolmentRefused = "key-enrolment-refused";
    public const string KeyRotated = "key-rotated";
    /// <summary>Keys found in use at start whose making or rotation has no entry this node confirmed writing.</summary>
    public const string KeyInUse = "key-in-use";
    public const string BureauApproved = "bureau-approved";
    /// <summary>The Secretariat's directory saw a bureau gain a reachable node (GS's log).</summary>
    public const string BureauOnline = "bureau-online";
    /// <summary>The Secretariat's directory saw a bureau's last reachable node leave or become unreachable (GS's log).</summary>
    public const string BureauOffline = "bureau-offline";
    public const string DirectoryEntryRefused = "directory-entry-refused";
    public const string NoticeRequested = "notice-requested";
    public const string NoticeReviewed = "notice-reviewed";
    public const string NoticeSent = "notice-sent";
    public const string NoticeClosed = "notice-closed";
    /// <summary>Events of a journal recorded when the node started again, after it had stopped before recording them.</summary>
    public const string AuditRecovered = "audit-recovered";
}

/// <summary>
/// The journal events an audit entry stands for: events <paramref name="FromSequenceNr"/> to <paramref name="ToSequenceNr"/>
/// (inclusive) of <paramref name="PersistenceId"/>. A node that died before an entry was written finds the events no entry
/// covers when it starts again, and records them then.
/// </summary>
public sealed record AuditSource(string PersistenceId, long FromSequenceNr, long ToSequenceNr)
{
    public static AuditSource Of(string persistenceId, long sequenceNr) => new(persistenceId, sequenceNr, sequenceNr);
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
/// <param name="Source">The journal events the entry records, if it records some (covered by its hash too).</param>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Kind,
    string? MessageId,
    string? Peer,
    string Detail,
    string PreviousHash,
    string Hash,
    IReadOnlyList<string>? MessageIds = null,
    AuditSource? Source = null) : IActorNetMessage
{
    /// <summary>The hash before the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static AuditEntry Create(long sequence, DateTimeOffset at, string kind, string? messageId, string? peer, string detail, string previousHash,
        IReadOnlyList<string>? messageIds = null, AuditSource? source = null)
    {
        var ids = messageIds is { Count: > 0 } ? messageIds : null;
        return new(sequence, at, kind, messageId, peer, detail, previousHash, ComputeHash(sequence, at, kind, messageId, peer, detail, previousHash, ids, source), ids, source);
    }

    public bool HashIsValid => Hash == ComputeHash(Sequence, At, Kind, MessageId, Peer, Detail, PreviousHash, MessageIds, Source);

    /// <summary>Whether the entry is about message <paramref name="id"/>, alone or among others.</summary>
    public bool Names(string id) => MessageId == id || MessageIds?.Contains(id) == true;

    /// <summary>
    /// SHA-256 over the length-prefixed fields, so no two different entries can share an encoding. An entry about several
    /// messages adds their count and each id after the others, and an entry recording journal events adds where they are
    /// (entries with neither hash as they always have).
    /// </summary>
    /// <remarks>
    /// The UTF-8 of <c>{length}:{field};</c> for each field in turn (the length in UTF-16 characters), fed to the hash a field
    /// at a time: the same bytes as encoding the whole text at once, without building it (every send, delivery and read writes
    /// an entry, and the text and its copies were ~2.5 KB of garbage each).
    /// </remarks>
    public static string ComputeHash(long sequence, DateTimeOffset at, string kind, string? messageId, string? peer, string detail, string previousHash,
        IReadOnlyList<string>? messageIds = null, AuditSource? source = null)
    {
        var hash = Sha256.ThisThread;
        try
        {
            Span<char> number = stackalloc char[24];
            Field(hash, Formatted(sequence, number));
            Field(hash, Formatted(at.ToUnixTimeMilliseconds(), number));
            Field(hash, kind);
            Field(hash, messageId ?? "\0");
            Field(hash, peer ?? "\0");
            Field(hash, detail);
            Field(hash, previousHash);
            if (messageIds is { Count: > 0 })
            {
                Field(hash, "ids " + messageIds.Count);
                foreach (var id in messageIds)
                    Field(hash, id);
            }
            if (source is not null)
            {
                // Marked by a field no id list starts with ("ids N"), so the two can never be taken for each other.
                Field(hash, "source");
                Field(hash, source.PersistenceId);
                Field(hash, Formatted(source.FromSequenceNr, number));
                Field(hash, Formatted(source.ToSequenceNr, number));
            }
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            hash.GetHashAndReset(digest);
            return Convert.ToHexStringLower(digest);
        }
        catch
        {
            Sha256.Discard();
            throw;
        }
    }

    // As long.ToString() formats it (the current culture, as the hash always has).
    private static ReadOnlySpan<char> Formatted(long value, Span<char> into) =>
        value.TryFormat(into, out var written) ? into[..written] : throw new InvalidOperationException("a long fits 24 characters");

    private static void Field(IncrementalHash hash, ReadOnlySpan<char> field)
    {
        // The length's digits are ASCII, so its UTF-8 is its text.
        Span<byte> prefix = stackalloc byte[12];
        var n = field.Length.TryFormat(prefix, out var written) ? written : throw new InvalidOperationException("an int fits 11 bytes");
        prefix[n++] = (byte)':';
        hash.AppendData(prefix[..n]);
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(field.Length));
        try
        {
            hash.AppendData(utf8, 0, Encoding.UTF8.GetBytes(field, utf8));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
        hash.AppendData(";"u8);
    }
}
