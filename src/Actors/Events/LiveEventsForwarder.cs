using System.Threading.Channels;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Notices;
using ActorNet.Protocol.Api;
using Akka.Actor;

namespace ActorNet.Actors.Events;

/// <summary>A live event for one SSE client; for a new message, the arrival too when it travels with it (see <see cref="LiveEventsForwarder"/>).</summary>
public sealed record LiveItem(LiveEvent Event, MessageArrived? Arrival = null);

/// <summary>Copies this node's live events (new messages, notice changes; hits and operations as they come) into a channel for one SSE client.</summary>
/// <remarks>
/// A new message's envelope travels with its event only while the client keeps up and the envelope is small: a feed that
/// is behind reads pages of the inbox anyway, and a slow client's channel must not hold megabytes of envelopes.
/// </remarks>
public sealed class LiveEventsForwarder : ReceiveActor
{
    /// <summary>Events waiting in the channel beyond which new ones go without their envelope.</summary>
    public const int CarriedWhileWaiting = 64;

    /// <summary>Sealed bytes above which an envelope never travels with its event.</summary>
    public const int CarriedBytes = 64 * 1024;

    public LiveEventsForwarder(Channel<LiveItem> channel)
    {
        var writer = channel.Writer;
        Receive<MessageArrived>(m => writer.TryWrite(new LiveItem(new LiveEvent("message", m.Id, m.From.Value, m.At),
            m.Arrival is { } a && a.Sealed.Length <= CarriedBytes && channel.Reader.Count < CarriedWhileWaiting ? m : null)));
        Receive<NoticeChanged>(n => writer.TryWrite(new LiveItem(new LiveEvent("notice", n.NoticeId.Value, n.From.Value, n.At))));
    }

    public static Props Props(Channel<LiveItem> channel) => Akka.Actor.Props.Create(() => new LiveEventsForwarder(channel));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(MessageArrived));
        Context.System.EventStream.Subscribe(Self, typeof(NoticeChanged));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
