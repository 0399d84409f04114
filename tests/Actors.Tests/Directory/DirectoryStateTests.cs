using ActorNet.Actors.Directory;
using ActorNet.Protocol;
using ActorNet.Protocol.Directory;
using Xunit;

namespace ActorNet.Actors.Tests.Directory;

public class DirectoryStateTests
{
    private static readonly BureauCode FR = new("FR");
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Enrolling_a_new_bureau_lists_it_once()
    {
        var events = DirectoryState.Empty.Enrol(FR, null, T0);
        var state = events.Aggregate(DirectoryState.Empty, (s, e) => s.Apply(e));

        Assert.Single(events);
        Assert.True(state.Knows(FR));
        Assert.Empty(state.Enrol(FR, null, T0.AddMinutes(1)));
    }

    [Fact]
    public void A_new_key_fingerprint_is_recorded_but_enrolment_time_kept()
    {
        var state = DirectoryState.Empty.Apply(new DirectoryEvents.BureauEnrolled(FR, null, T0));
        var events = state.Enrol(FR, "abc", T0.AddDays(1));
        state = events.Aggregate(state, (s, e) => s.Apply(e));

        Assert.Equal("abc", state.Bureaus[FR].Fingerprint);
        Assert.Equal(T0, state.Bureaus[FR].EnrolledAt);
        Assert.Empty(state.Enrol(FR, "abc", T0.AddDays(2)));
    }

    [Fact]
    public void Seen_moves_last_seen_and_the_view_marks_who_is_online()
    {
        var state = DirectoryState.Empty
            .Apply(new DirectoryEvents.BureauEnrolled(FR, null, T0))
            .Apply(new DirectoryEvents.BureauSeen(FR, false, T0.AddHours(2)))
            .Apply(new DirectoryEvents.BureauSeen(new BureauCode("US"), true, T0.AddHours(3)));

        var view = state.ToView(new HashSet<BureauCode> { new("US") }, T0.AddHours(4));

        Assert.Equal(["FR", "US"], view.Entries.Select(e => e.Bureau.Value));
        Assert.Equal(T0.AddHours(2), view.Entries[0].LastSeen);
        Assert.False(view.Entries[0].Online);
        Assert.True(view.Entries[1].Online);
    }
}
