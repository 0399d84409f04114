using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Messaging;

/// <summary>Published on the node's event stream when a message has been persisted in the inbox.</summary>
public sealed record MessageArrived(BureauCode From, string Id, DateTimeOffset At);

/// <summary>
/// A bureau's inbox: persists each sealed envelope once, in the order its sender sent it, after the gate has checked
/// its signature and address; acknowledges to the sender's outbox only what it has persisted. Never opens an envelope:
/// the API opens it for its authorised reader.
/// </summary>
public sealed class InboxActor : ReceivePersistentActor
{
    public const string Name = "inbox";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCode _bureau;
    private readonly IEnvelopeGate _gate;
    private readonly IActorRef _audit;
    private readonly InboxState _state = new();
    private readonly Dictionary<BureauCode, IActorRef> _outboxes = new();
    private readonly Func<BureauCode, IActorRef>? _outboxOverride;
    private readonly IActorRef? _notices;
    private long _refused;

    /// <param name="notices">Where notice envelopes go once persisted (see <see cref="HandOver"/>); none: they stay in the inbox as messages.</param>
    public InboxActor(BureauCode bureau, IEnvelopeGate gate, IActorRef audit, Func<BureauCode, IActorRef>? outboxFor = null, IActorRef? notices = null)
    {
        _bureau = bureau;
        _gate = gate;
        _audit = audit;
        _outboxOverride = outboxFor;
        _notices = notices;
        PersistenceId = "inbox-" + bureau.Value;

        Recover<InboxEvents.Received>(_state.Apply);
        Recover<InboxEvents.ReceivedBatch>(_state.Apply);
        Recover<InboxEvents.Read>(_state.Apply);
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Inbox of {Bureau} recovered with {Count} messages", _bureau, _state.Count);
            HandOverLatestAgain();
        });

        Command<DeliveryProtocol.Deliver>(OnDeliver);
        Command<InboxQueries.List>(q => Sender.Tell(_state.After(q.AfterId, Math.Clamp(q.Limit, 1, 10_000), IsMessage)));
        Command<InboxQueries.Get>(q => Sender.Tell(new InboxQueries.Page(_state.Find(q.Id) is { } found && IsMessage(found) ? [found] : [], false)));
        Command<InboxCommands.MarkRead>(OnMarkRead);
    }

    public override string PersistenceId { get; }

    public static Props Props(BureauCode bureau, IEnvelopeGate gate, IActorRef audit, Func<BureauCode, IActorRef>? outboxFor = null, IActorRef? notices = null) =>
        Akka.Actor.Props.Create(() => new InboxActor(bureau, gate, audit, outboxFor, notices));

    // --- Dispatch hook (issue 4): notice envelopes are delivered like any other, then handed to the notice side. ---

    /// <summary>Whether an arrival is a message for the messages API, rather than a notice document the notice side holds.</summary>
    private bool IsMessage(InboxEvents.Received received) => _notices is null || !NoticeEnvelopes.Owns(received.Id);

    /// <summary>Hands a persisted arrival on: a notice envelope to the notice side (which opens it), a message to the live events.</summary>
    private void HandOver(InboxEvents.Received received)
    {
        if (IsMessage(received))
            Context.System.EventStream.Publish(new MessageArrived(received.From, received.Id, received.At));
        else
            _notices!.Tell(received);
    }

    /// <summary>
    /// A hand-over is a tell after the write: a node stopped in between leaves the notice side without the last documents. After a
    /// restart it gets the latest again, and keeps each once.
    /// </summary>
    private void HandOverLatestAgain()
    {
        if (_notices is null)
            return;
        foreach (var received in _state.Latest(HandOverAgainCount, r => !IsMessage(r)))
            _notices.Tell(received);
    }

    private const int HandOverAgainCount = 1000;

    // --- end of the dispatch hook ---

    private void OnDeliver(DeliveryProtocol.Deliver delivery)
    {
        var sender = Sender;
        if (!delivery.To.Equals(_bureau))
        {
            Refuse(delivery.From, delivery.Parcels.FirstOrDefault()?.Id, $"addressed to {delivery.To}, not {_bureau}");
            return;
        }
        var (accepted, refused) = _state.Take(delivery, _gate, DateTimeOffset.UtcNow);
        foreach (var (parcel, reason) in refused)
            Refuse(delivery.From, parcel.Id, reason);
        if (accepted.Count == 0)
        {
            sender.Tell(new DeliveryProtocol.Accepted(_bureau, delivery.From, _state.LastSequence(delivery.From)));
            return;
        }
        // One event, one journal row and one audit entry for the whole delivery; acknowledged once it is written.
        var batch = new InboxEvents.ReceivedBatch(delivery.From, accepted.Select(r => new Parcel(r.Sequence, r.Id, r.Sealed)).ToArray(), accepted[0].At);
        Persist(batch, received =>
        {
            _state.Apply(received);
            var first = received.Parcels[0].Sequence;
            var last = received.Parcels[^1].Sequence;
            _audit.Tell(new AuditCommands.Record(AuditKinds.MessageReceived, null, received.From.Value,
                $"{received.Parcels.Count} from {received.From}, sequences {first}–{last}", received.Parcels.Select(p => p.Id).ToArray()));
            foreach (var arrival in received.Arrivals)
                HandOver(arrival);
            sender.Tell(new DeliveryProtocol.Accepted(_bureau, delivery.From, _state.LastSequence(delivery.From)));
        });
    }

    private void OnMarkRead(InboxCommands.MarkRead command)
    {
        var ids = command.Ids.Where(id => _state.Find(id) is not null && !_state.WasRead(id)).Distinct().ToArray();
        if (ids.Length == 0)
            return;
        PersistAsync(new InboxEvents.Read(ids, DateTimeOffset.UtcNow), persisted =>
        {
            _state.Apply(persisted);
            var at = persisted.At;
            foreach (var group in ids.GroupBy(id => _state.Find(id)!.From))
            {
                var read = group.ToArray();
                _audit.Tell(read.Length == 1
                    ? new AuditCommands.Record(AuditKinds.MessageRead, read[0], group.Key.Value, "opened by its reader")
                    : new AuditCommands.Record(AuditKinds.MessageRead, null, group.Key.Value, $"{read.Length} opened by their reader", read));
                OutboxOf(group.Key).Tell(new DeliveryProtocol.ReadReceipt(_bureau, group.Key, read, at));
            }
        });
    }

    private void Refuse(BureauCode from, string? id, string reason)
    {
        _refused++;
        _log.Warning("Inbox of {Bureau} refused envelope {MessageId} from {Sender}: {Reason} ({RefusedCount} refused so far)", _bureau, id, from, reason, _refused);
        _audit.Tell(new AuditCommands.Record(AuditKinds.EnvelopeRefused, id, from.Value, reason));
    }

    private IActorRef OutboxOf(BureauCode sender)
    {
        if (_outboxOverride is not null)
            return _outboxOverride(sender);
        if (!_outboxes.TryGetValue(sender, out var proxy))
            _outboxes[sender] = proxy = Context.ActorOf(
                ClusterSingletonProxy.Props("/user/outbox",
                    ClusterSingletonProxySettings.Create(Context.System).WithRole(sender.Role).WithSingletonName("outbox").WithBufferSize(100)),
                "outbox-" + sender.Value);
        return proxy;
    }
}
