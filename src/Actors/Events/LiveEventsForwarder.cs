using System.Threading.Channels;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Notices;
using ActorNet.Protocol.Api;
using Akka.Actor;

namespace ActorNet.Actors.Events;

/// <summary>Copies this node's live events (new messages, notice changes; hits and operations as they come) into a channel for one SSE client.</summary>
public sealed class LiveEventsForwarder : ReceiveActor
{
    public LiveEventsForwarder(ChannelWriter<LiveEvent> writer)
    {
        Receive<MessageArrived>(m => writer.TryWrite(new LiveEvent("message", m.Id, m.From.Value, m.At)));
        Receive<NoticeChanged>(n => writer.TryWrite(new LiveEvent("notice", n.NoticeId.Value, n.From.Value, n.At)));
    }

    public static Props Props(ChannelWriter<LiveEvent> writer) => Akka.Actor.Props.Create(() => new LiveEventsForwarder(writer));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(MessageArrived));
        Context.System.EventStream.Subscribe(Self, typeof(NoticeChanged));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
