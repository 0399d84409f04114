using ActorNet.Protocol.Messaging;
using Xunit;

namespace ActorNet.Protocol.Tests;

public sealed class MessageIdsTests
{
    [Fact]
    public void A_new_id_is_a_version_7_uuid_written_as_Guid_writes_it_timed_when_made()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_650_000_123);
        var ids = Enumerable.Range(0, 500).Select(_ => MessageIds.New(at)).ToArray();

        foreach (var id in ids)
        {
            Assert.True(Guid.TryParseExact(id, "N", out var guid), id);
            Assert.Equal(guid.ToString("N"), id);
            Assert.Equal(7, guid.Version);
            Assert.Equal(0b1000, guid.Variant & 0b1100); // RFC 9562's variant, binary 10
            Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(id[..12], 16));
        }
        Assert.Equal(ids.Length, ids.Distinct().Count());
        // Random bits in every place they belong: none of the 74 is stuck at one value over 500 ids.
        var randomHex = ids.Select(id => id[13..16] + id[17..]).ToArray();
        for (var position = 0; position < randomHex[0].Length; position++)
            Assert.True(randomHex.Select(r => r[position]).Distinct().Count() > 1, $"random digit {position} never changed");
    }

    [Fact]
    public void Ids_made_across_many_buffers_and_threads_never_repeat()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 5_000; i++) // 50 kB of random bytes a thread: the buffer refills many times
                ids.Add(MessageIds.New());
        });
        Assert.Equal(20_000, ids.Distinct().Count());
    }

    [Fact]
    public void An_id_parses_to_the_guid_that_writes_it_back_and_any_other_spelling_does_not()
    {
        var id = MessageIds.New();
        Assert.True(MessageIds.TryParse(id, out var guid));
        Assert.Equal(id, guid.ToString("N"));
        var old = Guid.NewGuid(); // version 4, as ids of older nodes may be
        Assert.True(MessageIds.TryParse(old.ToString("N"), out var parsed));
        Assert.Equal(old, parsed);

        foreach (var other in new[] { id.ToUpperInvariant(), guid.ToString("D"), id[..31], id + "0", id[..31] + "g", "m1", "" })
            Assert.False(MessageIds.TryParse(other, out _), other);
    }
}
