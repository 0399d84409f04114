using System.Security.Cryptography;
using System.Text;
using ActorNet.Protocol.Audit;
using Xunit;

namespace ActorNet.Protocol.Tests.Audit;

/// <summary>The audit chain's hash must not change: every log already written is verified with it.</summary>
public class AuditHashTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 22, 40, 0, 123, TimeSpan.Zero);

    /// <summary>The hash as it was first written: the whole text built, then encoded and hashed at once.</summary>
    private static string Reference(long sequence, DateTimeOffset at, string kind, string? messageId, string? peer, string detail, string previousHash,
        IReadOnlyList<string>? messageIds)
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

    public static TheoryData<long, string, string?, string?, string, string[]?> Entries => new()
    {
        { 1, AuditKinds.NodeStarted, null, null, "", null },
        { 7, AuditKinds.MessageSent, "msg-0001", "US", "to US, H1", null },
        { 8, AuditKinds.MessageDelivered, null, "US", "2 persisted by US, up to sequence 7", ["msg-0001", "msg-0002"] },
        { long.MaxValue, AuditKinds.EnvelopeRefused, "x", "DE", "Ωμέγα, Ёлка, 北京, émigré \U0001F46E", [] },
        { 42, AuditKinds.MessageRead, null, null, new string('d', 5000) + "é", Enumerable.Range(0, 300).Select(i => $"{i:x32}").ToArray() },
        { 3, AuditKinds.KeyRotated, "\0", "\0", "a lone surrogate \uD800 and ; and : in a field", ["\uDC00"] },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Hashes_the_same_bytes_as_the_text_it_was_first_built_from(long sequence, string kind, string? id, string? peer, string detail, string[]? ids)
    {
        var previous = Reference(sequence - 1, At, kind, null, null, "before", AuditEntry.Genesis, null);
        var entry = AuditEntry.Create(sequence, At, kind, id, peer, detail, previous, ids);

        Assert.Equal(Reference(sequence, At, kind, id, peer, detail, previous, ids is { Length: > 0 } ? ids : null), entry.Hash);
        Assert.True(entry.HashIsValid);
    }

    [Fact]
    public void Any_changed_field_changes_the_hash()
    {
        var entry = AuditEntry.Create(5, At, AuditKinds.MessageSent, "msg-1", "US", "to US", AuditEntry.Genesis, ["a", "b"]);

        Assert.False((entry with { Detail = "to DE" }).HashIsValid);
        Assert.False((entry with { At = At.AddMilliseconds(1) }).HashIsValid);
        Assert.False((entry with { MessageIds = ["a", "c"] }).HashIsValid);
        Assert.False((entry with { Peer = null }).HashIsValid);
        // The length prefix keeps field boundaries: moving a character from one field to the next is a different entry.
        Assert.NotEqual(AuditEntry.ComputeHash(5, At, "ab", "c", null, "", AuditEntry.Genesis), AuditEntry.ComputeHash(5, At, "a", "bc", null, "", AuditEntry.Genesis));
    }

    [Fact]
    public void The_journal_events_an_entry_records_are_covered_by_its_hash()
    {
        var entry = AuditEntry.Create(5, At, AuditKinds.MessageSent, "msg-1", "US", "to US", AuditEntry.Genesis, source: new AuditSource("outbox-FR", 3, 4));

        Assert.True(entry.HashIsValid);
        Assert.False((entry with { Source = new AuditSource("outbox-FR", 3, 5) }).HashIsValid);
        Assert.False((entry with { Source = new AuditSource("outbox-FR", 2, 4) }).HashIsValid);
        Assert.False((entry with { Source = new AuditSource("outbox-DE", 3, 4) }).HashIsValid);
        Assert.False((entry with { Source = null }).HashIsValid);
        // Neither an entry without a source nor one whose last ids spell a source hashes like it.
        Assert.NotEqual(entry.Hash, AuditEntry.Create(5, At, AuditKinds.MessageSent, "msg-1", "US", "to US", AuditEntry.Genesis).Hash);
        Assert.NotEqual(entry.Hash, AuditEntry.Create(5, At, AuditKinds.MessageSent, "msg-1", "US", "to US", AuditEntry.Genesis, ["source", "outbox-FR", "3", "4"]).Hash);
    }
}
