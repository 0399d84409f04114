using ActorNet.Actors.Hosting;
using ActorNet.Protocol;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Directory;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;

namespace ActorNet.Node.Api;

/// <summary>Liveness, and readiness: an Up member whose actors have recovered.</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app, BureauCode bureau)
    {
        var recovered = false;
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/health/ready", async (ActorSystem system, IRequiredActor<DirectoryReplicaKey> replica, IRequiredActor<BureauKey> bureauActor) =>
        {
            var status = Akka.Cluster.Cluster.Get(system).SelfMember.Status;
            if (status != MemberStatus.Up)
                return Problems.Result(503, $"Not ready: this node is {status} in the cluster, not Up yet");
            if (!recovered)
            {
                try
                {
                    await replica.ActorRef.Ask<DirectoryQueries.DirectoryView>(DirectoryQueries.GetDirectory.Instance, TimeSpan.FromSeconds(1));
                    await bureauActor.ActorRef.Ask<BureauQueries.Profile>(new BureauQueries.GetProfile(bureau), TimeSpan.FromSeconds(2));
                    recovered = true;
                }
                catch (AskTimeoutException)
                {
                    return Problems.Result(503, "Not ready: the bureau's actors are still recovering");
                }
            }
            return Results.Ok(new { status = "ready" });
        });
    }
}
