using Akka.Actor;
using Akka.Pattern;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// Keeps a persistent actor coming back. A persistent actor stops when its recovery fails (a journal that answered too
/// slowly on a loaded machine, a database briefly away); without a supervisor that starts it again, the node would stay
/// up but never ready. Messages to the supervisor reach the actor with their sender kept.
/// </summary>
public static class Restarting
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static Props Props(Props actor, string name) =>
        BackoffSupervisor.Props(Backoff.OnStop(actor, name, MinBackoff, MaxBackoff, randomFactor: 0.2, maxNrOfRetries: -1));
}
