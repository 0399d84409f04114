using ActorNet.Actors.Hosting;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

public sealed class MallocArenasTests
{
    [Fact]
    public void Caps_the_arenas_on_glibc_Linux()
    {
        // This machine is glibc Linux: mallopt answers 1 when it takes the setting.
        Assert.True(OperatingSystem.IsLinux(), "these tests run on Linux");
        Assert.True(MallocArenas.Limit(MallocArenas.Default, _ => null));
    }

    [Fact]
    public void Leaves_the_operators_MALLOC_ARENA_MAX_alone()
    {
        Assert.False(MallocArenas.Limit(MallocArenas.Default, name => name == "MALLOC_ARENA_MAX" ? "8" : null));
    }

    [Fact]
    public void Refuses_fewer_than_one_arena()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MallocArenas.Limit(0, _ => null));
    }
}
