using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorNet.Actors.Notices;

/// <summary>
/// Opens, for the search index, the latest content of copies that are not opened yet (after a restart), reading it from the
/// copies' journal a chunk of events at a time and handing the copies actor what opened in batches, then stops. Chunks keep
/// memory bounded: the journal sends a replay without waiting for its reader, and a publication sealed for every bureau
/// weighs some 15 KB.
/// </summary>
public sealed class NoticeContentOpener : ReceiveActor
{
    /// <summary>What opened: each copy with the journal position of the content opened (null when it did not open here).</summary>
    public sealed record Opened(IReadOnlyList<(NoticeId Id, long SequenceNr, OpenedNotice? Notice)> Copies, bool Last) : INoSerializationVerificationNeeded;

    private const int Chunk = 2_000;
    private const int Batch = 500;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _journal;
    private readonly string _persistenceId;
    private readonly Opener _opener;
    private readonly IReadOnlyDictionary<long, NoticeId> _wanted;
    private readonly long[] _positions;
    private int _next;
    private long _chunkEnd;
    private List<(NoticeId, long, OpenedNotice?)> _batch = new(Batch);

    /// <param name="wanted">The journal position of each copy's latest content, by position.</param>
    public NoticeContentOpener(IActorRef journal, string persistenceId, Opener opener, IReadOnlyDictionary<long, NoticeId> wanted)
    {
        (_journal, _persistenceId, _opener, _wanted) = (journal, persistenceId, opener, wanted);
        _positions = wanted.Keys.Order().ToArray();

        Receive<ReplayedMessage>(m =>
        {
            if (m.Persistent.Payload is not NoticeCopyEvents.Kept kept || !_wanted.TryGetValue(m.Persistent.SequenceNr, out var id) || kept.NoticeId != id)
                return;
            _batch.Add((id, m.Persistent.SequenceNr, NoticeSealing.Open(_opener, kept.Sealed)));
            if (_batch.Count < Batch)
                return;
            Context.Parent.Tell(new Opened(_batch, Last: false));
            _batch = new(Batch);
        });
        Receive<RecoverySuccess>(_ => ReadNext());
        Receive<ReplayMessagesFailure>(f => Finish($"the journal failed: {f.Cause.Message}"));
        Receive<ReceiveTimeout>(_ => Finish($"the journal did not answer within {Bound.TotalSeconds:0} s"));

        Context.SetReceiveTimeout(Bound);
        ReadNext();
    }

    public static Props Props(IActorRef journal, string persistenceId, Opener opener, IReadOnlyDictionary<long, NoticeId> wanted) =>
        Akka.Actor.Props.Create(() => new NoticeContentOpener(journal, persistenceId, opener, wanted));

    /// <summary>The next chunk of events, from the next wanted position past the last chunk.</summary>
    private void ReadNext()
    {
        while (_next < _positions.Length && _positions[_next] <= _chunkEnd)
            _next++;
        if (_next == _positions.Length)
        {
            Finish(null);
            return;
        }
        var from = _positions[_next];
        _chunkEnd = from + Chunk - 1;
        _journal.Tell(new ReplayMessages(from, _chunkEnd, Chunk, _persistenceId, Self));
    }

    private void Finish(string? failure)
    {
        if (failure is not null)
            _log.Warning("Notice copies {PersistenceId}: opening copies from the journal stopped: {Failure}; the next search tries again", _persistenceId, failure);
        Context.Parent.Tell(new Opened(_batch, Last: true));
        Context.Stop(Self);
    }
}
