using ActorNet.Actors.Audit;
using ActorNet.Protocol.Audit;
using Xunit;

namespace ActorNet.Actors.Tests.Audit;

public class AuditLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static List<AuditEntry> Chain(int count)
    {
        var entries = new List<AuditEntry>();
        for (var i = 0; i < count; i++)
            entries.Add(AuditLog.Next(entries.LastOrDefault(), T0.AddSeconds(i), new AuditCommands.Record(AuditKinds.MessageSent, $"m{i}", "US", $"message {i}")));
        return entries;
    }

    private static AuditQueries.Verification Verify(IEnumerable<AuditEntry?> entries) =>
        AuditLog.Verify(entries.Select((e, i) => ((long)i + 1, e)));

    [Fact]
    public void An_untouched_chain_verifies()
    {
        var result = Verify(Chain(5));
        Assert.True(result.Intact);
        Assert.Equal(5, result.EntriesChecked);
    }

    [Fact]
    public void An_edited_entry_is_named()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { Detail = "nothing happened" };
        var result = Verify(chain);
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBadSequence);
        Assert.Contains("audit entry 3", result.Problem);
    }

    [Fact]
    public void An_edited_entry_with_a_recomputed_hash_breaks_the_next_link()
    {
        var chain = Chain(5);
        var forged = AuditEntry.Create(3, chain[2].At, chain[2].Kind, chain[2].MessageId, chain[2].Peer, "nothing happened", chain[2].PreviousHash);
        chain[2] = forged;
        Assert.Equal(4, Verify(chain).FirstBadSequence);
    }

    [Fact]
    public void A_removed_entry_is_named()
    {
        var chain = Chain(5);
        chain.RemoveAt(1);
        Assert.Equal(2, Verify(chain).FirstBadSequence);
    }

    [Fact]
    public void An_entry_that_does_not_decode_is_named_by_its_journal_position()
    {
        var chain = Chain(3).Cast<AuditEntry?>().ToList();
        chain[1] = null;
        Assert.Equal(2, Verify(chain).FirstBadSequence);
    }
}
