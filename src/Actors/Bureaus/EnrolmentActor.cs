using ActorNet.Protocol;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Actors.Bureaus;

/// <summary>
/// Announces this node, once per start, to its bureau actor and to the Secretariat's directory,
/// repeating each until it is acknowledged: either may be unreachable or still starting.
/// </summary>
public sealed class EnrolmentActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _startRecorded;
    private bool _enrolled;

    public EnrolmentActor(BureauCode bureau, string nodeId, string appVersion, IActorRef bureauActor, IActorRef directory, BureauPublicKeys? keys)
    {
        var address = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        var startId = Guid.NewGuid().ToString("N");

        Receive<Retry>(_ =>
        {
            if (!_startRecorded) bureauActor.Tell(new BureauCommands.RecordNodeStart(bureau, nodeId, address, appVersion, startId));
            if (!_enrolled) directory.Tell(new DirectoryCommands.Enrol(bureau, address, keys?.Fingerprint, keys));
            if (_startRecorded && _enrolled) Timers.Cancel("retry");
        });
        Receive<BureauQueries.Profile>(_ => _startRecorded = true);
        Receive<DirectoryCommands.Enrolled>(e =>
        {
            if (!_enrolled) _log.Info("Bureau {Bureau} is listed in the directory since {EnrolledAt}", e.Bureau, e.EnrolledAt);
            _enrolled = true;
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BureauCode bureau, string nodeId, string appVersion, IActorRef bureauActor, IActorRef directory, BureauPublicKeys? keys = null) =>
        Akka.Actor.Props.Create(() => new EnrolmentActor(bureau, nodeId, appVersion, bureauActor, directory, keys));

    protected override void PreStart() => Timers.StartPeriodicTimer("retry", Retry.Instance, TimeSpan.Zero, RetryInterval);

    private sealed class Retry : INoSerializationVerificationNeeded
    {
        public static readonly Retry Instance = new();
    }
}
