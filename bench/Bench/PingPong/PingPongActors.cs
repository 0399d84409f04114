using Akka.Actor;

namespace ActorNet.Bench.PingPong;

/// <summary>Sends every message it receives back to its sender.</summary>
public sealed class EchoActor : UntypedActor
{
    protected override void OnReceive(object message) => Sender.Tell(message);
}

/// <summary>Keeps a window of messages outstanding to one echo actor until it has had <c>count</c> replies.</summary>
public sealed class PingClient(IActorRef echo, object message, int count, int window, TaskCompletionSource done) : UntypedActor
{
    public sealed class Go
    {
        public static readonly Go Instance = new();
    }

    private int _sent;
    private int _received;

    protected override void OnReceive(object received)
    {
        if (received is Go)
        {
            for (; _sent < Math.Min(window, count); _sent++)
                echo.Tell(message);
            return;
        }
        _received++;
        if (_received == count)
            done.TrySetResult();
        else if (_sent < count)
        {
            _sent++;
            echo.Tell(message);
        }
    }

    public static Props Props(IActorRef echo, object message, int count, int window, TaskCompletionSource done) =>
        Akka.Actor.Props.Create(() => new PingClient(echo, message, count, window, done));
}
