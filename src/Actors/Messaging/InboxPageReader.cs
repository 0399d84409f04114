using ActorNet.Protocol.Messaging;
using Akka.Actor;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Completes a page of the inbox whose older arrivals no longer hold their sealed bytes in memory: reads them back from the
/// inbox's journal, answers the asker with the whole page, then stops.
/// </summary>
public sealed class InboxPageReader : JournalRangeReader
{
    private readonly InboxQueries.Page _page;
    private readonly IActorRef _replyTo;
    private readonly string _where;
    private readonly HashSet<string> _wanted;
    private readonly Dictionary<string, ReadOnlyMemory<byte>> _found = new(StringComparer.Ordinal);

    public InboxPageReader(IActorRef journal, string persistenceId, InboxQueries.Page page, long fromJournal, long toJournal, IActorRef replyTo)
        : base(journal, persistenceId, fromJournal, toJournal)
    {
        _page = page;
        _replyTo = replyTo;
        _where = $"journal events {fromJournal}–{toJournal} of {persistenceId}";
        _wanted = page.Items.Where(i => i.Sealed.IsEmpty).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
    }

    public static Props Props(IActorRef journal, string persistenceId, InboxQueries.Page page, long fromJournal, long toJournal, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new InboxPageReader(journal, persistenceId, page, fromJournal, toJournal, replyTo));

    protected override void Replayed(object @event)
    {
        var arrivals = @event switch
        {
            InboxEvents.ReceivedBatch batch => batch.Arrivals,
            InboxEvents.Received single => [single],
            _ => []
        };
        foreach (var arrival in arrivals)
            if (_wanted.Contains(arrival.Id))
                _found[arrival.Id] = arrival.Sealed;
    }

    protected override void Finished(string? failure)
    {
        if (failure is null && _found.Count < _wanted.Count)
            failure = $"{_wanted.Count - _found.Count} of the page's envelopes are not in {_where}";
        _replyTo.Tell(failure is not null
            ? new Status.Failure(new InvalidOperationException($"reading {_where}: {failure}"))
            : _page with { Items = _page.Items.Select(i => i.Sealed.IsEmpty ? i with { Sealed = _found[i.Id] } : i).ToArray() });
    }
}
