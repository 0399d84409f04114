using ActorNet.Actors.Bureaus;
using ActorNet.Protocol;
using ActorNet.Protocol.Bureaus;
using Xunit;

namespace ActorNet.Actors.Tests.Bureaus;

public class BureauStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Events_build_the_profile()
    {
        var state = BureauState.Empty(new BureauCode("FR"))
            .Apply(new BureauEvents.Established(new BureauCode("FR"), T0))
            .Apply(new BureauEvents.NodeStarted("n1", "akka.tcp://actornet@h:1", "0.1.0", T0.AddMinutes(1), "s1"))
            .Apply(new BureauEvents.SettingsChanged("BCN Paris", null, T0.AddMinutes(2)))
            .Apply(new BureauEvents.SettingsChanged(null, "ncb@example.fr", T0.AddMinutes(3)))
            .Apply(new BureauEvents.NodeStarted("n1", "akka.tcp://actornet@h:2", "0.1.0", T0.AddMinutes(4), "s2"));

        var profile = state.ToProfile();
        Assert.Equal(T0, profile.EstablishedAt);
        Assert.Equal("BCN Paris", profile.DisplayName);
        Assert.Equal("ncb@example.fr", profile.ContactEmail);
        Assert.Equal(2, profile.NodeStarts);
        Assert.Equal("akka.tcp://actornet@h:2", profile.LastNodeAddress);
        Assert.True(state.HasRecorded("s2"));
        Assert.False(state.HasRecorded("s1"));
    }
}
