using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>The inbox's notice hand-over: a window of envelopes out at a time, resent when not taken, and a mark up to which all were taken.</summary>
public sealed class NoticeHandOverQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static InboxEvents.Received Notice(int n) => new(BureauCode.Secretariat, n, $"ntc.0192f0c4.publish.{n}", new byte[] { (byte)n }, T0);

    [Fact]
    public void Hands_over_a_window_at_a_time_resends_what_is_not_taken_and_marks_up_to_the_first_untaken()
    {
        var queue = new NoticeHandOverQueue(window: 2, resendAfter: TimeSpan.FromSeconds(10));
        foreach (var position in new[] { 3, 5, 6 })
            queue.Arrived(position, 0, Notice(position));

        Assert.Equal(["ntc.0192f0c4.publish.3", "ntc.0192f0c4.publish.5"], queue.Due(T0).Select(r => r.Id));
        Assert.Empty(queue.Due(T0.AddSeconds(1)));
        Assert.Equal(2, queue.TakenUpTo);

        // Taken out of order: the mark stays before the first one not taken.
        Assert.True(queue.Taken("ntc.0192f0c4.publish.5"));
        Assert.False(queue.Taken("ntc.0192f0c4.publish.5"));
        Assert.Equal(2, queue.TakenUpTo);
        Assert.Equal(["ntc.0192f0c4.publish.6"], queue.Due(T0.AddSeconds(2)).Select(r => r.Id));
        Assert.Equal(["ntc.0192f0c4.publish.3"], queue.Due(T0.AddSeconds(11)).Select(r => r.Id));

        Assert.True(queue.Taken("ntc.0192f0c4.publish.3"));
        Assert.Equal(5, queue.TakenUpTo);
        Assert.True(queue.Taken("ntc.0192f0c4.publish.6"));
        Assert.Equal((0, 6L), (queue.Count, queue.TakenUpTo));
    }

    [Fact]
    public void Recovery_keeps_only_what_came_after_the_last_mark()
    {
        var queue = new NoticeHandOverQueue();
        queue.Arrived(1, 0, Notice(1));
        queue.Arrived(2, 0, Notice(2));
        queue.Marked(2);
        queue.Arrived(4, 0, Notice(4));
        queue.Marked(1);

        Assert.Equal((2L, 1), (queue.Mark, queue.Count)); // a mark never goes back
        Assert.Equal(["ntc.0192f0c4.publish.4"], queue.Due(T0).Select(r => r.Id));
        queue.Arrived(4, 0, Notice(4));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Envelopes_of_one_delivery_share_a_position_and_the_mark_waits_for_all_of_them()
    {
        var queue = new NoticeHandOverQueue();
        queue.Arrived(7, 0, Notice(1));
        queue.Arrived(7, 1, Notice(2));
        queue.Arrived(8, 0, Notice(3));

        Assert.Equal(["ntc.0192f0c4.publish.1", "ntc.0192f0c4.publish.2", "ntc.0192f0c4.publish.3"], queue.Due(T0).Select(r => r.Id));
        Assert.True(queue.Taken("ntc.0192f0c4.publish.1"));
        Assert.Equal(6, queue.TakenUpTo); // the second of position 7 is still out
        Assert.True(queue.Taken("ntc.0192f0c4.publish.2"));
        Assert.Equal(7, queue.TakenUpTo);
        queue.Marked(7);
        Assert.Equal(1, queue.Count);
    }
}
