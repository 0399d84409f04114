using Akka.Actor;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>Stands between outbox and inbox: drops everything while the recipient is "offline" (no target).</summary>
public sealed class Link : ReceiveActor
{
    public sealed record SetTarget(IActorRef? Target);

    public Link()
    {
        IActorRef? target = null;
        Receive<SetTarget>(s => target = s.Target);
        ReceiveAny(m => target?.Forward(m));
    }
}
