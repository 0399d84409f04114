using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.PublicExtract;
using ActorNet.Protocol.Notices.Search;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Notices;

/// <summary>
/// Published on the node's event stream when a bureau's copy of a notice changed: the SSE <c>notice</c> event.
/// <paramref name="Holder"/> is the bureau whose copy it is (a member hosting several bureaus publishes for each).
/// </summary>
public sealed record NoticeChanged(NoticeId NoticeId, BureauCode From, string State, DateTimeOffset At, BureauCode Holder);

/// <summary>
/// A bureau's own copies of the notices and diffusions it may see, answering <c>GET /api/notices</c> even while GS is unreachable.
/// Keeps each sealed notice document its inbox hands over (or its own API makes) once, after checking who may send it;
/// the journal holds the documents sealed and only clear metadata beside them. A singleton on the bureau's role.
/// On a GS node it holds the Secretariat's view, fed by the Notice actors.
/// Searches run on its <see cref="NoticeSearchIndex"/>, which holds each copy's opened names and particulars in memory only:
/// after a restart every copy is listed again at once from its clear metadata, and found by name once a background task
/// has opened its content again.
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
    private readonly NoticeCopiesState _state = new();
    private readonly HashSet<string> _awaitingKeys = new(StringComparer.Ordinal);
    private readonly NoticeSearchIndex _index = new();
    // Public notices by entity id; the first notice to claim an id keeps it (see PublicEntityId.For).
    private readonly Dictionary<string, NoticeId> _publicIds = new(StringComparer.Ordinal);
    // Copies whose latest content has not opened here yet: after recovery, or while their sender's keys are unknown.
    private readonly HashSet<NoticeId> _unopened = [];
    private bool _opening;
    private DateTimeOffset _lastOpening = DateTimeOffset.MinValue;

    /// <param name="opener">This bureau's opener, current keys: the copies are opened only to check, index and answer this bureau.</param>
    public NoticeCopiesActor(BureauCode bureau, Func<Opener> opener)
    {
        _bureau = bureau;
        _opener = opener;
        PersistenceId = "notice-copies-" + bureau.Value;

        // Recovery keeps where each copy's latest content lies, not its bytes: it is opened again from the journal (see
        // OpenInBackground). A state change keeps its envelope until its reason is first read.
        Recover<NoticeCopyEvents.Kept>(k =>
        {
            var carriesContent = NoticeCopiesState.CarriesContent(k.Operation);
            _state.Apply(carriesContent ? k with { Sealed = ReadOnlyMemory<byte>.Empty } : k, carriesContent, LastSequenceNr);
        });
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var copy in _state.All.Where(c => c.IsListed))
            {
                _index.Upsert(copy.SearchEntry());
                if (copy.ContentSequenceNr > 0)
                    _unopened.Add(copy.Id);
            }
            _log.Info("Notice copies of {Bureau} recovered: {Count} notices; opening {Unopened} again for search", _bureau, _state.Count, _unopened.Count);
            OpenInBackground();
        });

        Command<InboxEvents.Received>(r =>
        {
            if (!_awaitingKeys.Contains(r.Id)) // handed over again while its sender's keys are awaited: that retry goes on
                OnReceived(r, 1, Sender);
        });
        Command<RetryOpen>(r => OnReceived(r.Received, r.Attempt, r.HandedBy));
        Command<NoticeContentOpener.Opened>(OnOpened);
        Command<Searched>(OnSearched);
        Command<NoticeCopyQueries.Search>(q => OnSearch(q.Query));
        Command<NoticeCopyQueries.List>(q => OnSearch(new NoticeSearchQuery
        {
            Text = q.Query, Type = q.Type, State = q.State, Nationality = q.Nationality, PageSize = Math.Clamp(q.Limit, 1, MaxPage),
        }));
        Command<NoticeCopyQueries.GetPublic>(q =>
        {
            var copy = _publicIds.TryGetValue(q.EntityId, out var id) ? _state.Find(id) : null;
            if (copy is { IsPublic: true, State: NoticeStates.Published })
                AnswerWithContent(copy, Sender, isPublic: true);
            else
                Sender.Tell(new NoticeCopyQueries.Found([]));
        });
        Command<NoticeCopyQueries.Get>(q =>
        {
            var copy = _state.Find(q.NoticeId);
            if (copy is { IsListed: true })
                AnswerWithContent(copy, Sender, isPublic: false);
            else
                Sender.Tell(copy is null ? new NoticeCopyQueries.Found([]) : new NoticeCopyQueries.Found([], Withdrawn: true));
        });
        Command<NoticeContentReader.Read>(OnContentRead);
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>An envelope that did not open yet: its sender's keys may not have reached this node's directory copy.</summary>
    private sealed record RetryOpen(InboxEvents.Received Received, int Attempt, IActorRef HandedBy) : INoSerializationVerificationNeeded;

    /// <summary>A search that ran off the actor's thread, for <paramref name="ReplyTo"/>; <paramref name="Problem"/> when it could not run.</summary>
    private sealed record Searched(NoticeSearchResult? Result, IActorRef ReplyTo, string? Problem) : INoSerializationVerificationNeeded;

    public static Props Props(BureauCode bureau, Func<Opener> opener) =>
        Akka.Actor.Props.Create(() => new NoticeCopiesActor(bureau, opener));

    // The index is not disposed when the actor stops: a search may still be reading it on the thread pool, and its lock
    // holds nothing the GC does not reclaim.

    /// <param name="handedBy">The inbox that handed the envelope over, told once it is taken (kept, or refused for good); none for this node's own documents.</param>
    private void OnReceived(InboxEvents.Received received, int attempt, IActorRef handedBy)
    {
        _awaitingKeys.Remove(received.Id);
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
                _awaitingKeys.Add(received.Id);
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
            _state.Apply(k, document.Content is not null, LastSequenceNr);
            var copy = _state.Find(k.NoticeId)!;
            if (document.Content is null)
                (copy.Reason, copy.StateChange) = (document.Reason, ReadOnlyMemory<byte>.Empty); // opened already: keep the reason, not the bytes
            if (document.Content is not null)
                Index(copy, opened);
            else
                Reindex(copy);
            _log.Info("Notice {NoticeId} ({Type}) is {State} at {Bureau}, after a {Operation} from {Sender}",
                k.NoticeId, k.Type, k.State, _bureau, k.Operation, k.From);
            Context.System.EventStream.Publish(new NoticeChanged(k.NoticeId, k.From, k.State, k.At, _bureau));
            NoticeHandOverQueue.Acknowledge(handedBy, received);
        });
    }

    /// <summary>
    /// Runs the search off the actor's thread (the index takes any number of readers beside its one writer, this actor), so
    /// that searches run side by side and copies keep arriving meanwhile; the hits come back here to be read from the copies.
    /// </summary>
    private void OnSearch(NoticeSearchQuery query)
    {
        if (_unopened.Count > 0 && DateTimeOffset.UtcNow - _lastOpening > OpenRetry)
            OpenInBackground();
        var (index, replyTo) = (_index, Sender);
        Task.Run(() =>
        {
            try
            {
                return new Searched(index.Search(query), replyTo, null);
            }
            catch (ArgumentException e)
            {
                return new Searched(null, replyTo, e.Message);
            }
        }).PipeTo(Self);
    }

    private void OnSearched(Searched searched)
    {
        if (searched.Result is not { } result)
        {
            // The API checks queries first; this is a node sending one it did not check.
            _log.Warning("Notice copies of {Bureau}: a search that cannot run: {Problem}", _bureau, searched.Problem);
            searched.ReplyTo.Tell(new NoticeCopyQueries.Found([]));
            return;
        }
        // A copy withdrawn since the search ran is left out.
        var entries = result.Hits.Select(h => _state.Find(new NoticeId(h.NoticeId))).OfType<NoticeCopiesState.Copy>().Where(c => c.IsListed).Select(Entry).ToArray();
        searched.ReplyTo.Tell(new NoticeCopyQueries.Found(entries, Total: result.Total));
    }

    private NoticeCopyQueries.Entry Entry(NoticeCopiesState.Copy copy)
    {
        if (copy.Reason is null && !copy.StateChange.IsEmpty)
        {
            copy.Reason = NoticeSealing.Open(_opener(), copy.StateChange)?.Document.Reason;
            if (copy.Reason is not null)
                copy.StateChange = ReadOnlyMemory<byte>.Empty;
        }
        return copy.ToEntry();
    }

    /// <summary>Answers one notice asked for by id with its sealed content: from memory, or read back from the journal.</summary>
    private void AnswerWithContent(NoticeCopiesState.Copy copy, IActorRef replyTo, bool isPublic)
    {
        if (!copy.ContentInJournal)
        {
            replyTo.Tell(new NoticeCopyQueries.Found([Entry(copy)]));
            return;
        }
        var journal = Akka.Persistence.Persistence.Instance.Apply(Context.System).JournalFor(JournalPluginId);
        Context.ActorOf(NoticeContentReader.Props(journal, PersistenceId, new NoticeContentReader.Request(copy.Id, copy.ContentSequenceNr, replyTo, isPublic)));
    }

    private void OnContentRead(NoticeContentReader.Read read)
    {
        var (request, copy) = (read.Request, _state.Find(read.Request.NoticeId));
        if (read.Failure is not null || copy is null)
        {
            _log.Warning("Notice copies of {Bureau}: the content of notice {NoticeId} could not be read back from the journal: {Failure}",
                _bureau, request.NoticeId, read.Failure ?? "the copy is gone");
            request.ReplyTo.Tell(new Status.Failure(new InvalidOperationException($"notice {request.NoticeId} could not be read from this node's journal")));
            return;
        }
        // The state may have moved on while the journal answered; the content read is the one asked for.
        var visible = request.Public ? copy is { IsPublic: true, State: NoticeStates.Published } : copy.IsListed;
        request.ReplyTo.Tell(!visible ? new NoticeCopyQueries.Found([], Withdrawn: !copy.IsListed)
            : new NoticeCopyQueries.Found([Entry(copy) with { Sealed = read.Sealed }]));
    }

    /// <summary>
    /// Opens the copies whose content has not opened here yet (after a restart, the content is in the journal only) in a child
    /// that reads it back a chunk at a time and opens it off this actor's thread, handing back batches; searches meanwhile
    /// find those copies by filters only.
    /// </summary>
    private void OpenInBackground()
    {
        if (_opening || _unopened.Count == 0)
            return;
        (_opening, _lastOpening) = (true, DateTimeOffset.UtcNow);
        var wanted = _unopened.Select(id => _state.Find(id)!).Where(c => c.ContentSequenceNr > 0).ToDictionary(c => c.ContentSequenceNr, c => c.Id);
        var journal = Akka.Persistence.Persistence.Instance.Apply(Context.System).JournalFor(JournalPluginId);
        Context.ActorOf(NoticeContentOpener.Props(journal, PersistenceId, _opener(), wanted));
    }

    private void OnOpened(NoticeContentOpener.Opened opened)
    {
        foreach (var (id, sequenceNr, notice) in opened.Copies)
        {
            // A copy whose content changed meanwhile was indexed (or left unopened) by the document that changed it.
            if (notice?.Document.Content is null || _state.Find(id) is not { } copy || copy.ContentSequenceNr != sequenceNr || copy.Indexed)
                continue;
            Index(copy, notice);
        }
        if (!opened.Last)
            return;
        _opening = false;
        _log.Info("Notice copies of {Bureau}: {Count} notices searchable by name, {Unopened} not opened yet", _bureau, _index.Count - _unopened.Count, _unopened.Count);
    }

    /// <summary>Puts the content just opened into the search index.</summary>
    private void Index(NoticeCopiesState.Copy copy, OpenedNotice opened)
    {
        var (header, document) = (opened.Header, opened.Document);
        // The requesting bureau's own copy of its update says nothing of the public flag: its request and GS's documents do.
        if (document.Operation != NoticeDocument.Update || header.From.IsSecretariat)
            copy.IsPublic = document.Public;
        var subject = document.Content!.Subject;
        copy.Searchable = NoticeSearchEntry.Of(copy.Id, copy.RequestedBy, document.Content, copy.State, copy.IsPublic);
        copy.Summary = new NoticeCopyQueries.Summary(subject.Name, subject.Forename, subject.DateOfBirth, subject.Nationalities);
        copy.Indexed = true;
        // Lists are answered from the summary from now on; one notice asked for by id is read back from the journal.
        if (copy.ContentSequenceNr > 0)
            copy.Content = ReadOnlyMemory<byte>.Empty;
        _unopened.Remove(copy.Id);
        Reindex(copy);
    }

    /// <summary>Brings the index in line with the copy: its state, its names once opened; a withdrawn diffusion leaves it.</summary>
    private void Reindex(NoticeCopiesState.Copy copy)
    {
        if (!copy.IsListed)
        {
            _index.Remove(copy.Id.Value);
            _unopened.Remove(copy.Id);
            return;
        }
        if (!copy.Indexed && copy.ContentSequenceNr > 0)
            _unopened.Add(copy.Id);
        _index.Upsert(copy.SearchEntry());
        if (!copy.IsPublic)
            return;
        var entityId = PublicEntityId.For(copy.Id);
        if (!_publicIds.TryAdd(entityId, copy.Id) && _publicIds[entityId] != copy.Id)
            _log.Warning("Notice copies of {Bureau}: notices {NoticeId} and {Other} share the public entity id {EntityId}; the public extract shows the first",
                _bureau, copy.Id, _publicIds[entityId], entityId);
    }
}
