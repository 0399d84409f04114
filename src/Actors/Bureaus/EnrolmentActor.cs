using ActorNet.Actors.Audit;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Bureaus;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Actors.Bureaus;

/// <summary>Node-local requests to the enrolment actor, from this node's HTTP API.</summary>
public static class EnrolmentCommands
{
    /// <summary>Rotate this bureau's keys; answered with <see cref="KeysRotated"/> once the directory lists the new ones, or <see cref="RotationRefused"/>.</summary>
    public sealed record RotateKeys(string By);

    public sealed record KeysRotated(BureauPublicKeys Previous, BureauPublicKeys Current);

    public sealed record RotationRefused(string Reason, bool Rotated);
}

/// <summary>
/// Announces this node, once per start, to its bureau actor, and its current keys to the Secretariat's directory,
/// repeating each until it is acknowledged: either may be unreachable or still starting. It also rotates the keys,
/// and enrols the new ones with the proof, signed by the old ones, that lets the directory take them without a new approval.
/// </summary>
public sealed class EnrolmentActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCode _bureau;
    private readonly BureauCrypto _crypto;
    private readonly IActorRef _audit;
    private bool _startRecorded;
    private int _enrolledVersion;
    private int _refusedVersion;
    private (IActorRef ReplyTo, BureauPublicKeys Previous)? _rotation;

    public EnrolmentActor(BureauCode bureau, string nodeId, string appVersion, IActorRef bureauActor, IActorRef directory, BureauCrypto crypto, IActorRef audit)
    {
        _bureau = bureau;
        _crypto = crypto;
        _audit = audit;
        var address = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        var startId = Guid.NewGuid().ToString("N");

        Receive<Retry>(_ =>
        {
            if (!_startRecorded)
                bureauActor.Tell(new BureauCommands.RecordNodeStart(bureau, nodeId, address, appVersion, startId));
            if (NeedsEnrolment)
            {
                var keys = crypto.PublicKeys;
                directory.Tell(new DirectoryCommands.Enrol(bureau, address, keys.Fingerprint, keys, crypto.RotationProof));
            }
            if (_startRecorded && !NeedsEnrolment)
                Timers.Cancel("retry");
        });
        Receive<BureauQueries.Profile>(_ => _startRecorded = true);
        Receive<DirectoryCommands.Enrolled>(OnEnrolled);
        Receive<DirectoryCommands.EnrolmentRefused>(OnRefused);
        Receive<EnrolmentCommands.RotateKeys>(OnRotate);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BureauCode bureau, string nodeId, string appVersion, IActorRef bureauActor, IActorRef directory, BureauCrypto crypto, IActorRef audit) =>
        Akka.Actor.Props.Create(() => new EnrolmentActor(bureau, nodeId, appVersion, bureauActor, directory, crypto, audit));

    protected override void PreStart() => StartRetrying();

    private int CurrentVersion => _crypto.Keys.Version;

    /// <summary>Whether the directory has yet to acknowledge the current keys (and has not refused them for good).</summary>
    private bool NeedsEnrolment => _enrolledVersion != CurrentVersion && _refusedVersion != CurrentVersion;

    private void StartRetrying() => Timers.StartPeriodicTimer("retry", Retry.Instance, TimeSpan.Zero, RetryInterval);

    private void OnEnrolled(DirectoryCommands.Enrolled e)
    {
        if (e.KeyVersion != CurrentVersion || _enrolledVersion == CurrentVersion)
            return; // an answer about an earlier version, or a repeat
        _enrolledVersion = e.KeyVersion;
        var keys = _crypto.PublicKeys;
        _log.Info("Bureau {Bureau} is listed in the directory since {EnrolledAt} with key version {KeyVersion} ({Fingerprint})",
            e.Bureau, e.EnrolledAt, keys.Version, keys.Fingerprint);
        _audit.Tell(new AuditCommands.Record(AuditKinds.KeyEnrolled, null, BureauCode.SecretariatCode,
            $"key version {keys.Version} ({keys.Fingerprint}) listed by the Secretariat's directory"));
        if (_rotation is { } rotation)
        {
            rotation.ReplyTo.Tell(new EnrolmentCommands.KeysRotated(rotation.Previous, keys));
            _rotation = null;
        }
    }

    private void OnRefused(DirectoryCommands.EnrolmentRefused refused)
    {
        if (refused.KeyVersion != CurrentVersion || _refusedVersion == CurrentVersion)
            return;
        _refusedVersion = refused.KeyVersion;
        _log.Error("The Secretariat's directory refused key version {KeyVersion} of {Bureau}: {Reason}", refused.KeyVersion, _bureau, refused.Reason);
        _audit.Tell(new AuditCommands.Record(AuditKinds.KeyEnrolmentRefused, null, BureauCode.SecretariatCode,
            $"key version {refused.KeyVersion} refused by the Secretariat's directory: {refused.Reason}"));
        if (_rotation is { } rotation)
        {
            rotation.ReplyTo.Tell(new EnrolmentCommands.RotationRefused($"GS refused the new key version {refused.KeyVersion}: {refused.Reason}", Rotated: true));
            _rotation = null;
        }
    }

    private void OnRotate(EnrolmentCommands.RotateKeys request)
    {
        if (_bureau.IsSecretariat)
        {
            Sender.Tell(new EnrolmentCommands.RotationRefused(
                "GS nodes do not rotate keys with rotate-keys: each GS node has its own keys and certificate; run it on a bureau's node", Rotated: false));
            return;
        }
        if (_rotation is not null)
        {
            Sender.Tell(new EnrolmentCommands.RotationRefused("A rotation is already waiting for the directory to list its keys: wait for it", Rotated: false));
            return;
        }
        if (_enrolledVersion != CurrentVersion)
        {
            Sender.Tell(new EnrolmentCommands.RotationRefused(
                $"This node's key version {CurrentVersion} is not listed by the Secretariat's directory yet: wait until GS is reachable and has listed it " +
                "(each new version is proved by the one before, which GS must know)", Rotated: false));
            return;
        }

        var previous = _crypto.PublicKeys;
        BureauPublicKeys next;
        try
        {
            next = _crypto.Rotate();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeyFileException)
        {
            _log.Error(e, "Rotating the keys of {Bureau} failed", _bureau);
            Sender.Tell(new EnrolmentCommands.RotationRefused($"The keys could not be rotated: {e.Message}", Rotated: false));
            return;
        }
        _log.Info("Bureau {Bureau} rotated its keys from version {PreviousVersion} ({PreviousFingerprint}) to {KeyVersion} ({Fingerprint}), asked by {By}",
            _bureau, previous.Version, previous.Fingerprint, next.Version, next.Fingerprint, request.By);
        _audit.Tell(new AuditCommands.Record(AuditKinds.KeyRotated, null, _bureau.Value,
            $"key version {previous.Version} ({previous.Fingerprint}) replaced by version {next.Version} ({next.Fingerprint}), asked by {request.By}"));
        // Once written, the next start need not record these keys again (KeyAudit); until then it would.
        KeyAudit.InBackground(KeyAudit.WrittenThenMarkAsync(_audit, _crypto.KeysDirectory, next.Version, KeyAudit.ConfirmBound), _crypto, next.Version, _log);
        _rotation = (Sender, previous);
        StartRetrying();
    }

    private sealed class Retry : INoSerializationVerificationNeeded
    {
        public static readonly Retry Instance = new();
    }
}
