using ActorNet.Actors.Cluster;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Cluster;

/// <summary>
/// A bureau node warns when no GS member has been Up for a while after it joined, and says when one is back; Akka's own
/// proxy warning (off) cried wolf at every start.
/// </summary>
public sealed class SingletonRoleWatchTests() : TestKit(ConfigurationFactory.ParseString(
    // A starved test process must not see its own two members unreachable (the default pause is 3 s).
    "akka.loglevel = INFO\nakka.cluster.roles = [ncb, bureau-FR]\nakka.cluster.failure-detector.acceptable-heartbeat-pause = 10s")
    .WithFallback(ClusterTestConfig.Config))
{
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private const string Missing = "No member with role secretariat has been Up";

    private IActorRef Watch() => Sys.ActorOf(SingletonRoleWatchActor.Props([("directory", "secretariat")], Patience));

    private async Task JoinSelfAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
    }

    [Fact]
    public async Task Nothing_is_said_before_this_node_is_Up()
    {
        Watch();
        // Not joined: the node is not Up, so the wait has not started however long it lasts.
        await EventFilter.Warning(contains: Missing).ExpectAsync(0, () => Task.Delay(Patience * 4));
    }

    [Fact]
    public async Task Warns_once_when_no_GS_member_is_Up_and_says_when_one_joins_and_again_when_it_leaves()
    {
        Watch();
        await EventFilter.Warning(contains: Missing).ExpectOneAsync(Bound, JoinSelfAsync);
        // Once, not every period.
        await EventFilter.Warning(contains: Missing).ExpectAsync(0, () => Task.Delay(Patience * 4));

        var gs = ActorSystem.Create(Sys.Name, ClusterTestConfig.Config.WithFallback(
            ConfigurationFactory.ParseString("akka.cluster.roles = [secretariat, bureau-GS]")));
        try
        {
            await EventFilter.Info(contains: "A member with role secretariat is Up again").ExpectOneAsync(Bound,
                () => Akka.Cluster.Cluster.Get(gs).JoinAsync(Akka.Cluster.Cluster.Get(Sys).SelfAddress));

            await EventFilter.Warning(contains: Missing).ExpectOneAsync(Bound, async () =>
            {
                var gsCluster = Akka.Cluster.Cluster.Get(gs);
                await gsCluster.LeaveAsync();
                await AwaitConditionAsync(() => Task.FromResult(
                    Akka.Cluster.Cluster.Get(Sys).State.Members.All(m => !m.HasRole("secretariat"))), Bound);
            });
        }
        finally
        {
            await gs.Terminate();
        }
    }
}
