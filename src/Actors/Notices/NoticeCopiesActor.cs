using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Notices;

/// <summary>Published on the node's event stream when this bureau's copy of a notice changed: the SSE <c>notice</c> event.</summary>
public sealed record NoticeChanged(NoticeId NoticeId, BureauCode From, string State, DateTimeOffset At);

/// <summary>
/// A bureau's own copies of the notices and diffusions it may see, answering <c>GET /api/notices</c> even while GS is unreachable.
/// Keeps each sealed notice document its inbox hands over (or its own API makes) once, after checking who may send it;
/// the journal holds the documents sealed and only clear metadata beside them. A singleton on the bureau's role.
/// On a GS node it holds the Secretariat's view, fed by the Notice actors.
/// </summary>
public sealed class NoticeCopiesActor : ReceivePersistentActor, IWithTimers
{
    public const string Name = "notice-copies";
    public const int MaxPage = 1000;
    private const int OpenAttempts = 12;
    private static readonly TimeSpan OpenRetry = TimeSpan.FromSeconds(5);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BureauCode _bureau;
    private readonly Func<Opener> _opener;
    private readonly INoticeNameIndex _names;
    private readonly NoticeCopiesState _state = new();
    private readonly HashSet<string> _opening = new(StringComparer.Ordinal);

    /// <param name="opener">This bureau's opener, current keys: the copies are opened only to check, index and answer this bureau.</param>
    public NoticeCopiesActor(BureauCode bureau, Func<Opener> opener, INoticeNameIndex names)
    {
        _bureau = bureau;
        _opener = opener;
        _names = names;
        PersistenceId = "notice-copies-" + bureau.Value;

        Recover<NoticeCopyEvents.Kept>(k => _state.Apply(k, NoticeCopiesState.CarriesContent(k.Operation)));
        Recover<RecoveryCompleted>(_ => _log.Info("Notice copies of {Bureau} recovered: {Count} notices", _bureau, _state.Count));

        Command<InboxEvents.Received>(r =>
        {
            if (!_opening.Contains(r.Id)) // handed over again while its sender's keys are awaited: that retry goes on
                OnReceived(r, 1, Sender);
        });
        Command<RetryOpen>(r => OnReceived(r.Received, r.Attempt, r.HandedBy));
        Command<NoticeCopyQueries.List>(OnList);
        Command<NoticeCopyQueries.Get>(q =>
        {
            var copy = _state.Find(q.NoticeId);
            Sender.Tell(copy is null ? new NoticeCopyQueries.Found([])
                : copy.IsListed ? new NoticeCopyQueries.Found([Entry(copy)])
                : new NoticeCopyQueries.Found([], Withdrawn: true));
        });
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>An envelope that did not open yet: its sender's keys may not have reached this node's directory copy.</summary>
    private sealed record RetryOpen(InboxEvents.Received Received, int Attempt, IActorRef HandedBy) : INoSerializationVerificationNeeded;

    public static Props Props(BureauCode bureau, Func<Opener> opener, INoticeNameIndex names) =>
        Akka.Actor.Props.Create(() => new NoticeCopiesActor(bureau, opener, names));

    /// <param name="handedBy">The inbox that handed the envelope over, told once it is taken (kept, or refused for good); none for this node's own documents.</param>
    private void OnReceived(InboxEvents.Received received, int attempt, IActorRef handedBy)
    {
        _opening.Remove(received.Id);
        if (_state.HasKept(received.Id))
        {
            NoticeHandOverQueue.Acknowledge(handedBy, received);
            return;
        }
        var opened = NoticeSealing.Open(_opener(), received.Sealed);
        if (opened is null)
        {
            if (attempt < OpenAttempts)
            {
                _opening.Add(received.Id);
                Timers.StartSingleTimer("open-" + received.Id, new RetryOpen(received, attempt + 1, handedBy), OpenRetry);
                return;
            }
            _log.Warning("Notice copies of {Bureau}: envelope {EnvelopeId} from {Sender} does not open here as a notice document after {Attempts} tries; not kept",
                _bureau, received.Id, received.From, attempt);
            NoticeHandOverQueue.Acknowledge(handedBy, received);
            return;
        }
        var (header, document) = (opened.Header, opened.Document);
        if (NoticeEnvelopes.NoticeOf(received.Id) != document.NoticeId)
        {
            _log.Warning("Notice copies of {Bureau}: envelope {EnvelopeId} names notice {NoticeId} inside; not kept", _bureau, received.Id, document.NoticeId);
            NoticeHandOverQueue.Acknowledge(handedBy, received);
            return;
        }
        if (NoticeCopiesState.Refusal(header.From, document) is { } refusal)
        {
            _log.Warning("Notice copies of {Bureau} refused envelope {EnvelopeId} about notice {NoticeId}: {Reason}", _bureau, received.Id, document.NoticeId, refusal);
            NoticeHandOverQueue.Acknowledge(handedBy, received);
            return;
        }
        var kept = new NoticeCopyEvents.Kept(document.NoticeId, received.Id, header.From, document.Operation, document.Kind,
            document.Content?.Type.Name ?? _state.Find(document.NoticeId)?.Type ?? "", _state.StateAfter(document), document.RequestedBy,
            received.Sealed, DateTimeOffset.UtcNow);
        Persist(kept, k =>
        {
            _state.Apply(k, document.Content is not null);
            var copy = _state.Find(k.NoticeId)!;
            if (document.Content is not null)
                Index(copy, document.Content);
            if (!copy.IsListed)
                _names.Remove(copy.Id);
            _log.Info("Notice {NoticeId} ({Type}) is {State} at {Bureau}, after a {Operation} from {Sender}",
                k.NoticeId, k.Type, k.State, _bureau, k.Operation, k.From);
            Context.System.EventStream.Publish(new NoticeChanged(k.NoticeId, k.From, k.State, k.At));
            NoticeHandOverQueue.Acknowledge(handedBy, received);
        });
    }


    private void OnList(NoticeCopyQueries.List q)
    {
        IndexPending();
        IEnumerable<NoticeCopiesState.Copy> copies = _state.All.Where(c => c.IsListed);
        if (q.Query is { Length: > 0 } text)
        {
            var hits = _names.Search(text).ToHashSet();
            copies = copies.Where(c => hits.Contains(c.Id));
        }
        if (q.Type is not null)
            copies = copies.Where(c => c.Type == q.Type);
        if (q.State is not null)
            copies = copies.Where(c => c.State == q.State);
        if (q.Nationality is not null)
            copies = copies.Where(c => c.Nationalities.Contains(q.Nationality, StringComparer.OrdinalIgnoreCase));
        Sender.Tell(new NoticeCopyQueries.Found(copies.OrderByDescending(c => c.UpdatedAt).Take(Math.Clamp(q.Limit, 1, MaxPage)).Select(Entry).ToArray()));
    }

    private NoticeCopyQueries.Entry Entry(NoticeCopiesState.Copy copy)
    {
        if (copy.Reason is null && !copy.StateChange.IsEmpty)
            copy.Reason = NoticeSealing.Open(_opener(), copy.StateChange)?.Document.Reason;
        return copy.ToEntry();
    }

    /// <summary>
    /// Opens what recovery could not index: a copy's sender keys may reach this node's directory after the copies recovered.
    /// </summary>
    private void IndexPending()
    {
        foreach (var copy in _state.All.Where(c => !c.Indexed && c.IsListed && !c.Content.IsEmpty))
            if (NoticeSealing.Open(_opener(), copy.Content)?.Document.Content is { } content)
                Index(copy, content);
    }

    private void Index(NoticeCopiesState.Copy copy, NoticeContent content)
    {
        _names.Add(copy.Id, content.Subject.AllNames());
        copy.Nationalities = content.Subject.Nationalities;
        copy.Indexed = true;
    }
}
