using ActorNet.Actors.Hosting;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

public sealed class RestartingTests : TestKit
{
    /// <summary>Stops itself on its first start, as a persistent actor does when its recovery fails; answers afterwards.</summary>
    private sealed class FailsFirstStart : ReceiveActor
    {
        public FailsFirstStart(int[] starts)
        {
            if (Interlocked.Increment(ref starts[0]) == 1)
                Context.Stop(Self);
            Receive<string>(s => Sender.Tell($"{s} from start {Volatile.Read(ref starts[0])}"));
        }
    }

    [Fact]
    public void An_actor_that_stopped_is_started_again_and_answers_through_its_supervisor()
    {
        var starts = new int[1];
        var supervised = Sys.ActorOf(Restarting.Props(Props.Create(() => new FailsFirstStart(starts)), "child"), "supervised");

        AwaitAssert(() =>
        {
            supervised.Tell("ping");
            Assert.Equal("ping from start 2", ExpectMsg<string>(TimeSpan.FromMilliseconds(500)));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, Volatile.Read(ref starts[0]));
    }
}
