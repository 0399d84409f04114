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

    private static List<AuditEntry> ChainWithBatch()
    {
        var chain = Chain(2);
        chain.Add(AuditLog.Next(chain[^1], T0.AddSeconds(2), new AuditCommands.Record(AuditKinds.MessageDelivered, null, "US", "3 persisted by US", ["m0", "m1", "m2"])));
        chain.Add(AuditLog.Next(chain[^1], T0.AddSeconds(3), new AuditCommands.Record(AuditKinds.MessageRead, "m0", "US", "read by US")));
        return chain;
    }

    [Fact]
    public void A_chain_with_an_entry_about_several_messages_verifies_and_names_them()
    {
        var chain = ChainWithBatch();
        Assert.True(Verify(chain).Intact);
        Assert.True(chain[2].Names("m1"));
        Assert.False(chain[2].Names("m3"));
    }

    [Theory]
    [InlineData("removed")]
    [InlineData("added")]
    [InlineData("replaced")]
    public void A_message_id_taken_out_of_or_slipped_into_a_batch_entry_is_named(string change)
    {
        var chain = ChainWithBatch();
        var ids = chain[2].MessageIds!.ToList();
        switch (change)
        {
            case "removed": ids.RemoveAt(1); break;
            case "added": ids.Add("m9"); break;
            default: ids[0] = "m9"; break;
        }
        chain[2] = chain[2] with { MessageIds = ids };
        var result = Verify(chain);
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBadSequence);
        Assert.Contains("no longer matches its hash", result.Problem);
    }

    [Fact]
    public void A_batch_entry_does_not_hash_like_one_about_a_single_message()
    {
        var one = AuditEntry.Create(1, T0, AuditKinds.MessageSent, "m0", "US", "d", AuditEntry.Genesis);
        var batch = AuditEntry.Create(1, T0, AuditKinds.MessageSent, "m0", "US", "d", AuditEntry.Genesis, ["m0"]);
        Assert.NotEqual(one.Hash, batch.Hash);
    }
}
