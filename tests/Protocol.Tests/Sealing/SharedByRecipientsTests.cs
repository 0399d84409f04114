using ActorNet.Protocol.Sealing;
using Xunit;

namespace ActorNet.Protocol.Tests.Sealing;

/// <summary>What a node keeps for the other recipients of a message it hosts: kept for as many uses as asked, never beyond its capacity.</summary>
public class SharedByRecipientsTests
{
    private static byte[] Key(int i) => [(byte)i, (byte)(i >> 8), 7, 7];

    [Fact]
    public void An_entry_serves_as_many_lookups_as_it_was_kept_for_then_leaves()
    {
        var shared = new SharedByRecipients<string>(16);
        shared.Keep(Key(1), "header", usesLeft: 2);

        Assert.True(shared.TryTake(Key(1), out var first));
        Assert.True(shared.TryTake(Key(1).AsSpan(), out var second));
        Assert.False(shared.TryTake(Key(1), out _));
        Assert.Equal(("header", "header"), (first, second));
        Assert.Equal(0, shared.Count);
    }

    [Fact]
    public void Nothing_is_kept_for_no_further_use_and_a_miss_takes_nothing()
    {
        var shared = new SharedByRecipients<string>(16);
        shared.Keep(Key(1), "alone", usesLeft: 0);
        shared.Keep(Key(2), "two", usesLeft: 1);

        Assert.False(shared.TryTake(Key(1), out _));
        Assert.False(shared.TryTake(Key(3), out _));
        Assert.True(shared.TryTake(Key(2), out var two));
        Assert.Equal("two", two);
    }

    [Fact]
    public void The_oldest_entries_leave_beyond_the_capacity()
    {
        var shared = new SharedByRecipients<int>(3);
        for (var i = 0; i < 5; i++)
            shared.Keep(Key(i), i, usesLeft: 10);

        Assert.Equal(3, shared.Count);
        Assert.False(shared.TryTake(Key(0), out _));
        Assert.False(shared.TryTake(Key(1), out _));
        Assert.True(shared.TryTake(Key(4), out var four));
        Assert.Equal(4, four);
    }

    [Fact]
    public void An_entry_kept_again_after_it_left_is_not_pushed_out_by_its_earlier_place_in_line()
    {
        var shared = new SharedByRecipients<string>(2);
        shared.Keep(Key(1), "first", usesLeft: 1);
        Assert.True(shared.TryTake(Key(1), out _));   // served everyone: gone, its place in line stays
        shared.Keep(Key(2), "second", usesLeft: 5);
        shared.Keep(Key(1), "again", usesLeft: 5);      // pushes out the stale place, not this entry

        Assert.True(shared.TryTake(Key(1), out var again));
        Assert.Equal("again", again);
        Assert.True(shared.TryTake(Key(2), out _));
    }
}
