using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ActorNet.Actors.Events;
using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Hosting;

namespace ActorNet.Node.Api;

/// <summary>
/// <c>GET /api/events</c>: this bureau's live events as Server-Sent Events, named by type. Each <c>message</c> event names a
/// new message; with <c>?messages=full</c> it carries the message itself, opened for this reader, so that a client following
/// its inbox needs no request per message.
/// </summary>
public static class EventEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Messages read from the inbox at a time in the full feed.</summary>
    public const int FeedPage = 1000;

    public static void MapEventEndpoints(this IEndpointRouteBuilder app, BureauCode bureau) =>
        app.MapGet("/api/events", async (HttpContext http, string? messages, string? after, ActorSystem system, BureauCrypto crypto,
                IRequiredActor<InboxKey> inbox, CancellationToken ct) =>
            {
                if (messages is null)
                    return TypedResults.ServerSentEvents(Follow(system, null, [], ct));
                if (messages != "full")
                    return Problems.Result(400, $"\"messages\" '{messages}' is not a feed: leave it out (each event names a new message) or use \"full\" (each carries the message)");
                // Where a reconnecting EventSource left off (Last-Event-ID is the last message id it saw), or where the client says.
                var cursor = after ?? http.Request.Headers["Last-Event-ID"].FirstOrDefault();
                cursor = string.IsNullOrWhiteSpace(cursor) ? null : cursor;
                // The first page is read before the stream starts, so that an unknown cursor is still a plain 400.
                var feed = new InboxFeed(bureau, inbox.ActorRef, crypto, cursor);
                if (await feed.NextAsync(ct) is not { } first)
                    return Problems.Result(400, $"\"after\": no message {cursor} is in this inbox");
                return TypedResults.ServerSentEvents(Follow(system, feed, first, ct));
            })
            .RequireAuthorization(p => p.RequireRole(Roles.Officer));

    /// <param name="feed">Null for events that only name new messages; otherwise the inbox to stream the messages of.</param>
    /// <param name="first">The feed's first page, read already.</param>
    private static async IAsyncEnumerable<SseItem<object>> Follow(ActorSystem system, InboxFeed? feed, IReadOnlyList<InboxMessage> first,
        [EnumeratorCancellation] CancellationToken ct)
    {
        // Dropping the oldest when a client falls far behind: a full feed loses nothing by it, since a message event only wakes it.
        var channel = Channel.CreateBounded<LiveItem>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        var forwarder = system.ActorOf(LiveEventsForwarder.Props(channel));
        try
        {
            // Subscribed once it answers (it subscribes before its first message): what arrives from now on wakes the feed.
            await forwarder.Ask<ActorIdentity>(new Identify(null), AskTimeout, ct);
            // A first event sends the response headers at once, so a client knows it is subscribed before anything happens.
            yield return new SseItem<object>(new LiveEvent("ready", "", "", DateTimeOffset.UtcNow), "ready");
            // What the inbox held after the cursor goes first; then one more read, for what arrived before the subscription.
            if (feed is not null)
                foreach (var item in Sent(feed, first))
                    yield return item;
            var behind = feed is not null;
            while (!ct.IsCancellationRequested)
            {
                if (behind)
                {
                    var page = await feed!.NextAsync(ct) ?? [];
                    foreach (var item in Sent(feed, page))
                        yield return item;
                    behind = page.Count == FeedPage;
                    continue;
                }
                // Every event waiting goes at once: a burst of arrivals is one read of the inbox, not one each. The next message
                // after the cursor, when its envelope came with its event, goes without a read.
                var e = await channel.Reader.ReadAsync(ct);
                do
                {
                    if (feed is not null && e.Event.Type == "message")
                    {
                        if (!behind && feed.Next(e.Arrival) is { } next)
                            foreach (var item in Sent(feed, [next]))
                                yield return item;
                        else
                            behind = true;
                    }
                    else
                        yield return new SseItem<object>(e.Event, e.Event.Type) { EventId = e.Event.Id };
                } while (channel.Reader.TryRead(out e));
            }
        }
        finally
        {
            forwarder.Tell(PoisonPill.Instance);
        }
    }

    /// <summary>A page as message events; the feed counts it read once the last has gone out.</summary>
    private static IEnumerable<SseItem<object>> Sent(InboxFeed feed, IReadOnlyList<InboxMessage> page)
    {
        foreach (var message in page)
            yield return new SseItem<object>(message, "message") { EventId = message.Id };
        feed.Read(page);
    }

    /// <summary>One client's place in its bureau's inbox: the pages after it, opened, and the read receipts for what it was sent.</summary>
    private sealed class InboxFeed(BureauCode bureau, IActorRef inbox, BureauCrypto crypto, string? after)
    {
        private string? _after = after;

        /// <summary>The messages after the cursor, opened; null when the inbox does not know the cursor.</summary>
        public async Task<IReadOnlyList<InboxMessage>?> NextAsync(CancellationToken ct)
        {
            var page = await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(bureau, _after, FeedPage), AskTimeout, ct);
            return page.UnknownAfterId ? null : page.Items.Select(item => MessageEndpoints.Opened(item, crypto)).ToArray();
        }

        /// <summary>The arrival, opened, when it is the message right after the cursor in this bureau's inbox; else null (read the inbox).</summary>
        public InboxMessage? Next(MessageArrived? arrival) =>
            arrival is { Arrival: { } envelope } && arrival.Holder == bureau && arrival.ListedAfter == _after
                ? MessageEndpoints.Opened(envelope, crypto)
                : null;

        /// <summary>The page went out to the client: the cursor moves past it and its messages count as read, as a page of the inbox does.</summary>
        public void Read(IReadOnlyList<InboxMessage> page)
        {
            if (page.Count == 0)
                return;
            _after = page[^1].Id;
            inbox.Tell(new InboxCommands.MarkRead(bureau, page.Select(m => m.Id).ToArray()));
        }
    }
}
