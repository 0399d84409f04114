using ActorNet.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Actors.Bureaus;

/// <summary>
/// The door of a member that hosts several bureaus, standing where a bureau node's singleton stands (<c>/user/inbox/inbox</c>,
/// <c>/user/outbox/outbox</c>): every node's singleton proxies find it there unchanged, and it hands each message to the
/// hosted bureau the message names (<see cref="IWithBureauCode"/>), sender kept. A message for a bureau not hosted here is
/// dropped and logged: the sender's outbox keeps it and retries, as it does while a recipient is away.
/// </summary>
public sealed class BureauDoorActor : ReceiveActor
{
    /// <param name="name">The singleton's name: the door is <c>/user/name</c> and its router the child <c>name</c>.</param>
    /// <param name="bureaus">The actor each hosted bureau has behind this door.</param>
    public BureauDoorActor(string name, IReadOnlyDictionary<BureauCode, IActorRef> bureaus) =>
        Context.ActorOf(Akka.Actor.Props.Create(() => new Router(name, bureaus)), name);

    public static Props Props(string name, IReadOnlyDictionary<BureauCode, IActorRef> bureaus) =>
        Akka.Actor.Props.Create(() => new BureauDoorActor(name, bureaus));

    private sealed class Router : ReceiveActor
    {
        private readonly ILoggingAdapter _log = Context.GetLogger();

        public Router(string name, IReadOnlyDictionary<BureauCode, IActorRef> bureaus)
        {
            Receive<IWithBureauCode>(m =>
            {
                if (bureaus.TryGetValue(m.Bureau, out var target))
                    target.Forward(m);
                else
                    _log.Warning("The {Door} door dropped a {MessageType} for bureau {Bureau}, which this member does not host",
                        name, m.GetType().Name, m.Bureau);
            });
            ReceiveAny(m => _log.Warning("The {Door} door dropped a {MessageType}: it names no bureau", name, m.GetType().Name));
        }
    }
}
