using ActorNet.Protocol;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// A bureau's outbox: keeps every sealed envelope it accepted until each recipient's inbox has persisted it,
/// delivering in order per recipient with a window of parcels in flight, and retrying with backoff for as long as it takes.
/// Runs as a singleton on the bureau's role. It never opens an envelope.
/// </summary>
public sealed class OutboxActor : ReceivePersistentActor, IWithTimers
{
    public const int Window = 2000;
    public const int BatchSize = 250;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCode _bureau;
    private readonly IActorRef _audit;
    private readonly Func<BureauCode, IActorRef>? _inboxOverride;
    private readonly OutboxState _state = new();
    private readonly Dictionary<BureauCode, long> _durableUpTo = new();
    private readonly Dictionary<BureauCode, Channel> _channels = new();
    private readonly List<(OutboxCommands.Post Post, IActorRef ReplyTo)> _buffer = [];
    private bool _flushScheduled;

    /// <summary>Per recipient: what was sent and not yet acknowledged, and when to try again.</summary>
    private sealed class Channel
    {
        public long SentUpTo;
        public DateTime LastProgress = DateTime.UtcNow;
        public TimeSpan Backoff = FirstRetry;
        public IActorRef? Inbox;
    }

    public OutboxActor(BureauCode bureau, IActorRef audit, Func<BureauCode, IActorRef>? inboxFor = null)
    {
        _bureau = bureau;
        _audit = audit;
        _inboxOverride = inboxFor;
        PersistenceId = "outbox-" + bureau.Value;

        Recover<OutboxEvents.Posted>(p => { _state.Apply(p); MarkDurable(p); });
        Recover<OutboxEvents.Delivered>(_state.Apply);
        Recover<OutboxEvents.ReadBy>(_state.Apply);
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Outbox of {Bureau} recovered with {Pending} parcels awaiting delivery", _bureau, _state.PendingCount);
            foreach (var recipient in _state.Recipients.ToList())
                Pump(recipient);
        });

        Command<OutboxCommands.Post>(post =>
        {
            if (_state.Knows(post.Id))
            {
                Sender.Tell(new OutboxCommands.Posted(post.Id));
                return;
            }
            _buffer.Add((post, Sender));
            if (!_flushScheduled)
            {
                _flushScheduled = true;
                Self.Tell(Flush.Instance);
            }
        });
        // Everything posted since the last flush is written in one go: one commit for many messages.
        Command<Flush>(_ => WriteBuffer());
        Command<DeliveryProtocol.Accepted>(OnAccepted);
        Command<DeliveryProtocol.ReadReceipt>(receipt =>
            PersistAsync(new OutboxEvents.ReadBy(receipt.Recipient, receipt.Ids, receipt.At), e =>
            {
                _state.Apply(e);
                foreach (var id in e.Ids)
                    _audit.Tell(new AuditCommands.Record(AuditKinds.MessageRead, id, e.Recipient.Value, $"read by {e.Recipient}"));
            }));
        Command<OutboxQueries.GetStatus>(q =>
            Sender.Tell(_state.Status(_bureau, q.Id) is { } status ? status : new OutboxQueries.NotFound(q.Id)));
        Command<Retry>(_ => RetryStalled());
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BureauCode bureau, IActorRef audit, Func<BureauCode, IActorRef>? inboxFor = null) =>
        Akka.Actor.Props.Create(() => new OutboxActor(bureau, audit, inboxFor));

    protected override void PreStart() => Timers.StartPeriodicTimer("retry", Retry.Instance, TimeSpan.FromSeconds(1));

    private void WriteBuffer()
    {
        _flushScheduled = false;
        if (_buffer.Count == 0)
            return;
        var batch = _buffer.ToList();
        _buffer.Clear();
        var now = DateTimeOffset.UtcNow;
        var events = new List<OutboxEvents.Posted>(batch.Count);
        foreach (var (post, _) in batch)
        {
            if (_state.Knows(post.Id))
                continue;
            var posted = _state.Post(post.Id, post.To, post.Sealed, now);
            _state.Apply(posted); // sequences of later posts in this batch follow on; delivery waits for durability
            events.Add(posted);
        }
        var replies = batch.ToLookup(b => b.Post.Id, b => b.ReplyTo);
        var touched = new HashSet<BureauCode>();
        var remaining = events.Count;
        PersistAll(events, posted =>
        {
            MarkDurable(posted);
            touched.UnionWith(posted.To);
            foreach (var replyTo in replies[posted.Id])
                replyTo.Tell(new OutboxCommands.Posted(posted.Id));
            _audit.Tell(new AuditCommands.Record(AuditKinds.MessageSent, posted.Id, string.Join(",", posted.To), $"queued for {string.Join(", ", posted.To)}"));
            if (--remaining == 0)
                foreach (var recipient in touched)
                    Pump(recipient);
        });
    }

    private void OnAccepted(DeliveryProtocol.Accepted accepted)
    {
        var recipient = accepted.Recipient;
        var channel = ChannelFor(recipient);
        channel.LastProgress = DateTime.UtcNow;
        channel.Backoff = FirstRetry;
        var before = _state.DeliveredUpTo(recipient);
        if (accepted.UpToSequence <= before)
        {
            Pump(recipient);
            return;
        }
        var delivered = _state.Outstanding(recipient, before, (int)Math.Min(int.MaxValue, accepted.UpToSequence - before))
            .Where(p => p.Sequence <= accepted.UpToSequence).Select(p => p.Id).ToList();
        PersistAsync(new OutboxEvents.Delivered(recipient, accepted.UpToSequence, DateTimeOffset.UtcNow), e =>
        {
            _state.Apply(e);
            foreach (var id in delivered)
                _audit.Tell(new AuditCommands.Record(AuditKinds.MessageDelivered, id, recipient.Value, $"persisted by {recipient}"));
            Pump(recipient);
        });
        channel.SentUpTo = Math.Max(channel.SentUpTo, accepted.UpToSequence);
    }

    /// <summary>Sends the next parcels to <paramref name="recipient"/> while fewer than <see cref="Window"/> await acknowledgement.</summary>
    private void Pump(BureauCode recipient)
    {
        var channel = ChannelFor(recipient);
        var acknowledged = Math.Max(_state.DeliveredUpTo(recipient), 0);
        channel.SentUpTo = Math.Max(channel.SentUpTo, acknowledged);
        var durable = _durableUpTo.GetValueOrDefault(recipient);
        while (channel.SentUpTo - acknowledged < Window && channel.SentUpTo < durable)
        {
            var parcels = _state.Outstanding(recipient, channel.SentUpTo, BatchSize).TakeWhile(p => p.Sequence <= durable).ToArray();
            if (parcels.Length == 0)
                break;
            InboxOf(recipient).Tell(new DeliveryProtocol.Deliver(_bureau, recipient, parcels));
            channel.SentUpTo = parcels[^1].Sequence;
        }
    }

    /// <summary>A recipient that has not acknowledged for its backoff gets everything unacknowledged again, less often each time.</summary>
    private void RetryStalled()
    {
        var now = DateTime.UtcNow;
        foreach (var (recipient, channel) in _channels)
        {
            if (_state.DeliveredUpTo(recipient) >= _durableUpTo.GetValueOrDefault(recipient) || now - channel.LastProgress < channel.Backoff)
                continue;
            channel.SentUpTo = _state.DeliveredUpTo(recipient);
            channel.LastProgress = now;
            channel.Backoff = TimeSpan.FromTicks(Math.Min(channel.Backoff.Ticks * 2, MaxRetry.Ticks));
            Pump(recipient);
        }
    }

    private void MarkDurable(OutboxEvents.Posted posted)
    {
        for (var i = 0; i < posted.To.Count; i++)
            _durableUpTo[posted.To[i]] = Math.Max(_durableUpTo.GetValueOrDefault(posted.To[i]), posted.Sequences[i]);
    }

    private Channel ChannelFor(BureauCode recipient)
    {
        if (!_channels.TryGetValue(recipient, out var channel))
            _channels[recipient] = channel = new Channel();
        return channel;
    }

    private IActorRef InboxOf(BureauCode recipient)
    {
        var channel = ChannelFor(recipient);
        return channel.Inbox ??= _inboxOverride?.Invoke(recipient) ?? Context.ActorOf(
            ClusterSingletonProxy.Props("/user/" + InboxActor.Name,
                ClusterSingletonProxySettings.Create(Context.System).WithRole(recipient.Role).WithSingletonName(InboxActor.Name).WithBufferSize(10)),
            "inbox-" + recipient.Value);
    }

    private sealed class Flush : INoSerializationVerificationNeeded
    {
        public static readonly Flush Instance = new();
    }

    private sealed class Retry : INoSerializationVerificationNeeded
    {
        public static readonly Retry Instance = new();
    }
}
