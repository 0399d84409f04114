using System.Net.ServerSentEvents;
using System.Threading.Channels;
using ActorNet.Actors.Events;
using ActorNet.Protocol.Api;
using Akka.Actor;

namespace ActorNet.Node.Api;

/// <summary><c>GET /api/events</c>: this bureau's live events as Server-Sent Events, named by type.</summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", (ActorSystem system, CancellationToken ct) => TypedResults.ServerSentEvents(Follow(system, ct)))
            .RequireAuthorization(p => p.RequireRole(Roles.Officer));

    private static async IAsyncEnumerable<SseItem<LiveEvent>> Follow(
        ActorSystem system, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        var forwarder = system.ActorOf(LiveEventsForwarder.Props(channel.Writer));
        try
        {
            // A first event sends the response headers at once, so a client knows it is subscribed before anything happens.
            yield return new SseItem<LiveEvent>(new LiveEvent("ready", "", "", DateTimeOffset.UtcNow), "ready");
            await foreach (var e in channel.Reader.ReadAllAsync(ct))
                yield return new SseItem<LiveEvent>(e, e.Type) { EventId = e.Id };
        }
        finally
        {
            forwarder.Tell(PoisonPill.Instance);
        }
    }
}
