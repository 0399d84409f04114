using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Audit;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace ActorNet.Actors.Notices;

/// <summary>
/// Owns one notice (or diffusion) for the Secretariat: its request, compliance check, review, publication, updates and
/// cancellation, persisted as events with the content only ever sealed. A sharded entity on the <c>secretariat</c> role, so
/// several GS nodes sharing one database act as one Secretariat and only the notices in use live in memory (idle ones passivate).
/// Publications and changes go out sealed through GS's outbox, the one store-and-forward path, to every bureau that may see them.
/// </summary>
public sealed class NoticeActor : ReceivePersistentActor, IWithTimers
{
    public const string RegionName = "notice";

    /// <summary>Tags the events that leave a change to send and those that send it, so that <see cref="NoticeResumerActor"/> finds what a crash left unsent.</summary>
    public const string SendTag = "notice-send";
    private static readonly TimeSpan PostRetry = TimeSpan.FromSeconds(3);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCrypto _crypto;
    private readonly Func<IActorRef> _outbox;
    private readonly Func<IActorRef> _copies;
    private readonly IActorRef _audit;
    private NoticeState _state;
    private Pending? _sending;

    /// <summary>A change sealed and handed to the outbox, waiting for it to say it has persisted it.</summary>
    private sealed record Pending(string EnvelopeId, IReadOnlyList<BureauCode> Recipients, byte[] Sealed, object Done, IActorRef? ReplyTo, object Reply);

    /// <param name="crypto">The GS node's keys: it opens what bureaus send to GS and seals what GS sends.</param>
    /// <param name="outbox">GS's outbox, found when first needed.</param>
    /// <param name="copies">GS's own notice copies, which answer GET /api/notices on a GS node.</param>
    public NoticeActor(NoticeId id, BureauCrypto crypto, Func<IActorRef> outbox, Func<IActorRef> copies, IActorRef audit)
    {
        _crypto = crypto;
        _outbox = outbox;
        _copies = copies;
        _audit = audit;
        _state = NoticeState.Empty(id);
        PersistenceId = "notice-" + id.Value;

        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.Unsent is not null)
            {
                _log.Info("Notice {NoticeId}: a {Operation} was persisted but not handed to the outbox before a stop; sending it now", Id, _state.Unsent.Operation);
                SendUnsent(null, null);
            }
        });
        Recover<IWithNoticeId>(e => _state = _state.Apply(e, LastSequenceNr));

        Ready();
    }

    private NoticeId Id => _state.NoticeId;

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NoticeId id, BureauCrypto crypto, Func<IActorRef> outbox, Func<IActorRef> copies, IActorRef audit) =>
        Akka.Actor.Props.Create(() => new NoticeActor(id, crypto, outbox, copies, audit));

    private void Ready()
    {
        Command<InboxEvents.Received>(OnEnvelope);
        Command<NoticeCommands.Review>(OnReview);
        Command<NoticeCommands.Cancel>(OnCancel);
        Command<NoticeCommands.Extend>(OnExtend);
        Command<NoticeQueries.Get>(_ => Sender.Tell(_state.Exists ? _state.ToRecord() : NotFound()));
        Command<OutboxCommands.Posted>(_ => { }); // a late answer to a post already settled
    }

    /// <summary>One change at a time: while a change waits for the outbox, everything but the outbox's answer waits too.</summary>
    private void Sending()
    {
        Command<OutboxCommands.Posted>(OnPosted);
        Command<RetryPost>(_ => Post());
        CommandAny(_ => Stash.Stash());
    }

    /// <summary>A document from a bureau, handed over by GS's inbox (told once it is taken: kept or ignored for good) or made by GS's own API.</summary>
    private void OnEnvelope(InboxEvents.Received received)
    {
        var handedBy = Sender;
        if (_state.Envelopes.Contains(received.Id))
        {
            NoticeHandOverQueue.Acknowledge(handedBy, received);
            return;
        }
        var opened = NoticeSealing.Open(_crypto.Opener, received.Sealed);
        if (opened is null || opened.Document.NoticeId != Id)
        {
            _log.Warning("Notice {NoticeId}: envelope {EnvelopeId} from {Sender} is not a notice document for it; ignored", Id, received.Id, received.From);
            NoticeHandOverQueue.Acknowledge(handedBy, received);
            return;
        }
        var (header, document) = (opened.Header, opened.Document);
        if (header.From != document.RequestedBy)
        {
            _log.Warning("Notice {NoticeId}: {Sender} sent a {Operation} in the name of {RequestedBy}; ignored", Id, header.From, document.Operation, document.RequestedBy);
            NoticeHandOverQueue.Acknowledge(handedBy, received);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        switch (document.Operation)
        {
            case NoticeDocument.Request or NoticeDocument.Diffusion when !_state.Exists && document.Content is { } content:
                var kind = document.Operation == NoticeDocument.Diffusion ? NoticeKinds.Diffusion : NoticeKinds.Notice;
                PersistAll(new object[]
                {
                    new NoticeEvents.Requested(Id, kind, content.Type.Name, document.RequestedBy, document.RestrictedFrom, document.Public, document.To,
                        received.Id, received.Sealed, now),
                    new NoticeEvents.ComplianceChecked(Id, ComplianceCheck.Run(content, DateOnly.FromDateTime(now.UtcDateTime)), now),
                }, e =>
                {
                    ApplyPersisted(e);
                    if (e is not NoticeEvents.ComplianceChecked checkedEvent)
                        return;
                    _copies().Tell(received, ActorRefs.NoSender);
                    NoticeHandOverQueue.Acknowledge(handedBy, received);
                    _log.Info("Notice {NoticeId} ({Kind}, {Type}) from {RequestedBy} is {State} with {FindingCount} compliance findings",
                        Id, _state.Kind, _state.Type, _state.RequestedBy, _state.State, checkedEvent.Findings.Count);
                    _audit.Tell(new AuditCommands.Record(AuditKinds.NoticeRequested, Id.Value, _state.RequestedBy!.Value,
                        $"{_state.Kind} {_state.Type}, {checkedEvent.Findings.Count} compliance findings"));
                });
                break;
            case NoticeDocument.Update when _state.Exists && !_state.IsClosed && document.Content is { } content && content.Type.Name == _state.Type:
                PersistAll(new object[]
                {
                    new NoticeEvents.Updated(Id, header.From.Value, received.Id, received.Sealed, now),
                    new NoticeEvents.ComplianceChecked(Id, ComplianceCheck.Run(content, DateOnly.FromDateTime(now.UtcDateTime)), now),
                }.Select(Tag), e =>
                {
                    ApplyPersisted(e);
                    if (e is not NoticeEvents.ComplianceChecked)
                        return;
                    NoticeHandOverQueue.Acknowledge(handedBy, received);
                    SendUnsent(null, null);
                });
                break;
            case NoticeDocument.StateChange when document.State == NoticeStates.Cancelled && _state.Exists && !_state.IsClosed:
                Close(header.From.Value, document.Reason ?? "cancelled by the requesting bureau", null, () => NoticeHandOverQueue.Acknowledge(handedBy, received));
                break;
            default:
                _log.Info("Notice {NoticeId}: a {Operation} from {Sender} does not apply to a notice that is {State}; ignored",
                    Id, document.Operation, header.From, _state.Exists ? _state.State : "unknown");
                NoticeHandOverQueue.Acknowledge(handedBy, received);
                break;
        }
    }

    private void OnReview(NoticeCommands.Review review)
    {
        if (_state.ReviewRefusal() is { } refusal)
        {
            Sender.Tell(new NoticeCommands.Refused(Id, refusal.Status, refusal.Reason));
            return;
        }
        var replyTo = Sender;
        var now = DateTimeOffset.UtcNow;
        object[] events = review.Approve
            ? [new NoticeEvents.Approved(Id, review.Reviewer, review.Reason, now)]
            : _state.IsDiffusion
                ? [new NoticeEvents.Rejected(Id, review.Reviewer, review.Reason, now), new NoticeEvents.Withdrawn(Id, "GS", review.Reason, now)]
                : [new NoticeEvents.Rejected(Id, review.Reviewer, review.Reason, now)];
        var remaining = events.Length;
        PersistAll(events.Select(Tag), e =>
        {
            ApplyPersisted(e);
            if (--remaining > 0)
                return;
            _log.Info("Notice {NoticeId} {Decision} by reviewer {Reviewer}", Id, review.Approve ? "approved" : "rejected", review.Reviewer);
            _audit.Tell(new AuditCommands.Record(AuditKinds.NoticeReviewed, Id.Value, _state.RequestedBy!.Value,
                $"{(review.Approve ? "approved" : "rejected")} by {review.Reviewer}"));
            if (_state.Unsent is null)
                replyTo.Tell(new NoticeCommands.Done(Id, _state.State));
            else
                SendUnsent(replyTo, null);
        });
    }

    private void OnCancel(NoticeCommands.Cancel cancel)
    {
        if (!_state.Exists)
            Sender.Tell(NotFound());
        else if (_state.IsClosed)
            Sender.Tell(new NoticeCommands.Refused(Id, 409, $"Notice {Id} is already {_state.State}"));
        else
            Close(cancel.By, cancel.Reason, Sender);
    }

    /// <summary>Sends the published notice, as it now stands, to bureaus approved after its publication that do not have it.</summary>
    private void OnExtend(NoticeCommands.Extend extend)
    {
        var bureaus = _state.NotReached(extend.Bureaus);
        if (bureaus.Count == 0)
        {
            Sender.Tell(new NoticeCommands.Done(Id, _state.Exists ? _state.State : "unknown"));
            return;
        }
        if (bureaus.FirstOrDefault(b => _crypto.Directory.Latest(b) is null) is { } unknown)
        {
            Sender.Tell(new NoticeCommands.Refused(Id, 503, $"this GS node does not know the keys of {unknown} yet"));
            return;
        }
        var replyTo = Sender;
        Persist(Tag(new NoticeEvents.Extended(Id, bureaus, DateTimeOffset.UtcNow)), e =>
        {
            ApplyPersisted(e);
            _log.Info("Notice {NoticeId}: published before {Bureaus} were approved; sending it to them", Id, string.Join(",", bureaus));
            SendUnsent(replyTo, null);
        });
    }

    /// <summary>Cancels a notice, or withdraws a diffusion, and tells everyone who holds it; <paramref name="persisted"/> runs once that is in the journal.</summary>
    private void Close(string by, string reason, IActorRef? replyTo, Action? persisted = null)
    {
        var now = DateTimeOffset.UtcNow;
        object closed = _state.IsDiffusion && by == "GS"
            ? new NoticeEvents.Withdrawn(Id, by, reason, now)
            : new NoticeEvents.Cancelled(Id, by, reason, now);
        Persist(Tag(closed), e =>
        {
            ApplyPersisted(e);
            _audit.Tell(new AuditCommands.Record(AuditKinds.NoticeClosed, Id.Value, _state.RequestedBy!.Value, $"{_state.State} by {by}"));
            persisted?.Invoke();
            SendUnsent(replyTo, null);
        });
    }

    /// <summary>
    /// Seals the change not yet sent for everyone who must hear of it (and for GS itself) and hands it to GS's outbox under an id
    /// the change's sequence number fixes, so that a resend after a crash is the same envelope and the outbox keeps it once.
    /// </summary>
    private void SendUnsent(IActorRef? replyTo, object? reply)
    {
        var unsent = _state.Unsent!;
        var content = unsent.Operation is NoticeDocument.Publish or NoticeDocument.Update
            ? NoticeSealing.Open(_crypto.Opener, _state.Content)?.Document.Content
            : null;
        if (content is null && unsent.Operation is NoticeDocument.Publish or NoticeDocument.Update)
        {
            _log.Error("Notice {NoticeId}: its sealed content does not open with this GS node's keys; the {Operation} cannot be sent", Id, unsent.Operation);
            replyTo?.Tell(new NoticeCommands.Refused(Id, 500, $"Notice {Id}'s content does not open on this GS node: see its log"));
            return;
        }
        var recipients = unsent.To is { } only
            ? only.Where(b => _crypto.Directory.Latest(b) is not null).ToArray()
            : unsent.Operation == NoticeDocument.Publish
            ? _crypto.Directory.Bureaus.Where(b => !b.IsSecretariat && !_state.RestrictedFrom.Contains(b)).ToArray()
            : _state.Audience.Where(b => _crypto.Directory.Latest(b) is not null).ToArray();
        var now = DateTimeOffset.UtcNow;
        var envelopeId = NoticeEnvelopes.IdFor(Id, unsent.Operation, unsent.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The reviewer's reasons stay at GS; a cancellation's or rejection's reason goes to those it concerns.
        var reason = unsent.Operation == NoticeDocument.StateChange ? _state.History[^1].Reason : null;
        var document = new NoticeDocument(unsent.Operation, Id, _state.Kind, _state.RequestedBy!, StateAfterSend(unsent.Operation), reason, content,
            [], _state.Public, _state.IsDiffusion ? _state.To : [], unsent.Operation == NoticeDocument.Publish ? [] : _state.Findings, now);
        var header = _crypto.Sealer.Header(envelopeId, [BureauCode.Secretariat, .. recipients], now, HandlingCode.H0);
        var sealedBytes = _crypto.Sealer.Seal(header, NoticeSealing.ToPayload(document)).ToBytes();
        object done = unsent.Operation == NoticeDocument.Publish
            ? new NoticeEvents.Published(Id, envelopeId, recipients, now)
            : new NoticeEvents.Notified(Id, envelopeId, recipients, now);
        _sending = new Pending(envelopeId, recipients, sealedBytes, done, replyTo, reply ?? new NoticeCommands.Done(Id, StateAfter(done)));
        Become(Sending);
        Post();
    }

    private string StateAfterSend(string operation) =>
        operation == NoticeDocument.Publish && _state.State == NoticeStates.PendingReview ? NoticeStates.Published : _state.State;

    private string StateAfter(object done) => done is NoticeEvents.Published && _state.State == NoticeStates.PendingReview ? NoticeStates.Published : _state.State;

    private void Post()
    {
        if (_sending is not { } sending)
            return;
        if (sending.Recipients.Count == 0)
        {
            OnPosted(new OutboxCommands.Posted(sending.EnvelopeId));
            return;
        }
        _outbox().Tell(new OutboxCommands.Post(BureauCode.Secretariat, sending.EnvelopeId, sending.Recipients, sending.Sealed), Self);
        Timers.StartSingleTimer("post", RetryPost.Instance, PostRetry);
    }

    private void OnPosted(OutboxCommands.Posted posted)
    {
        if (_sending is not { } sending || posted.Id != sending.EnvelopeId)
            return;
        Timers.Cancel("post");
        Persist(Tag(sending.Done), e =>
        {
            ApplyPersisted(e);
            _sending = null;
            _copies().Tell(new InboxEvents.Received(BureauCode.Secretariat, 0, sending.EnvelopeId, sending.Sealed, DateTimeOffset.UtcNow), ActorRefs.NoSender);
            _log.Info("Notice {NoticeId} ({State}): {EnvelopeId} is in GS's outbox for {RecipientCount} bureaus", Id, _state.State, sending.EnvelopeId, sending.Recipients.Count);
            _audit.Tell(new AuditCommands.Record(AuditKinds.NoticeSent, sending.EnvelopeId, string.Join(",", sending.Recipients), $"notice {Id} {_state.State}"));
            sending.ReplyTo?.Tell(sending.Reply);
            Become(Ready);
            Stash.UnstashAll();
        });
    }


    private void ApplyPersisted(object e) => _state = _state.Apply(e is Tagged tagged ? tagged.Payload : e, LastSequenceNr);

    /// <summary>Wraps an event that leaves a change to send, or sends one, with <see cref="SendTag"/>; the journal stores the event itself.</summary>
    private object Tag(object e) =>
        e is NoticeEvents.Published or NoticeEvents.Notified || _state.Apply(e, 0).Unsent is not null ? new Tagged(e, [SendTag]) : e;

    private NoticeCommands.Refused NotFound() => new(Id, 404, $"No notice {Id} has reached the Secretariat");

    private sealed class RetryPost : INoSerializationVerificationNeeded
    {
        public static readonly RetryPost Instance = new();
    }
}

/// <summary>Routes notice commands, queries and sealed notice envelopes to the entity that owns the notice.</summary>
public sealed class NoticeMessageExtractor(int shards = 100) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => message switch
    {
        IWithNoticeId n => n.NoticeId.Value,
        InboxEvents.Received r => NoticeEnvelopes.NoticeOf(r.Id)?.Value,
        _ => null,
    };
}
