using ActorNet.Protocol;
using ActorNet.Protocol.Bureaus;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Bureaus;

/// <summary>
/// Owns one bureau's identity and settings. Runs as a cluster singleton on the bureau's own role,
/// so a bureau with several nodes (or GS with several Secretariat nodes on one database) has exactly one writer.
/// </summary>
public sealed class BureauActor : ReceivePersistentActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private BureauState _state;

    public BureauActor(BureauCode bureau)
    {
        _state = BureauState.Empty(bureau);
        PersistenceId = "bureau-" + bureau.Value;

        Recover<BureauEvents.Established>(e => _state = _state.Apply(e));
        Recover<BureauEvents.NodeStarted>(e => _state = _state.Apply(e));
        Recover<BureauEvents.SettingsChanged>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (!_state.IsEstablished)
                Persist(new BureauEvents.Established(_state.Bureau, DateTimeOffset.UtcNow), Apply);
        });

        Command<BureauCommands.RecordNodeStart>(c =>
        {
            if (_state.HasRecorded(c.StartId))
            {
                Sender.Tell(_state.ToProfile());
                return;
            }
            Persist(new BureauEvents.NodeStarted(c.NodeId, c.Address, c.AppVersion, DateTimeOffset.UtcNow, c.StartId), e =>
            {
                Apply(e);
                _log.Info("Bureau {Bureau} recorded start of node {NodeId} at {Address}", _state.Bureau, c.NodeId, c.Address);
                Sender.Tell(_state.ToProfile());
            });
        });

        Command<BureauCommands.ChangeSettings>(c =>
            Persist(new BureauEvents.SettingsChanged(c.DisplayName, c.ContactEmail, DateTimeOffset.UtcNow), e =>
            {
                Apply(e);
                Sender.Tell(_state.ToProfile());
            }));

        Command<BureauQueries.GetProfile>(_ => Sender.Tell(_state.ToProfile()));
    }

    public override string PersistenceId { get; }

    public static Props Props(BureauCode bureau) => Akka.Actor.Props.Create(() => new BureauActor(bureau));

    private void Apply(object e) => _state = _state.Apply(e);
}
