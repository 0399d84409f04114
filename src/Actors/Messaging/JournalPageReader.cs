using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;

namespace ActorNet.Actors.Messaging;

/// <summary>Reads one page of a recipient's envelopes back from the outbox's journal and hands it to the outbox, then stops.</summary>
public sealed class JournalPageReader : JournalRangeReader
{
    /// <summary>Sequences <paramref name="FromSequence"/> to <paramref name="ToSequence"/> towards <paramref name="Recipient"/>, found between journal events <paramref name="FromJournal"/> and <paramref name="ToJournal"/>.</summary>
    public sealed record Request(BureauCode Recipient, long FromSequence, long ToSequence, long FromJournal, long ToJournal) : INoSerializationVerificationNeeded;

    /// <summary>The parcels found, in sequence order; fewer than asked for when the journal did not have them all.</summary>
    public sealed record Page(Request Request, IReadOnlyList<Parcel> Parcels, string? Failure) : INoSerializationVerificationNeeded;

    private readonly Request _request;
    private readonly List<Parcel> _parcels;

    public JournalPageReader(IActorRef journal, string persistenceId, Request request)
        : base(journal, persistenceId, request.FromJournal, request.ToJournal)
    {
        _request = request;
        _parcels = new List<Parcel>((int)Math.Min(request.ToSequence - request.FromSequence + 1, 10_000));
    }

    public static Props Props(IActorRef journal, string persistenceId, Request request) =>
        Akka.Actor.Props.Create(() => new JournalPageReader(journal, persistenceId, request));

    protected override void Replayed(object @event)
    {
        foreach (var posted in OutboxEvents.PostsIn(@event))
            for (var i = 0; i < posted.To.Count; i++)
                if (posted.To[i].Equals(_request.Recipient) && posted.Sequences[i] >= _request.FromSequence && posted.Sequences[i] <= _request.ToSequence)
                    _parcels.Add(new Parcel(posted.Sequences[i], posted.Id, posted.Sealed));
    }

    protected override void Finished(string? failure) =>
        Context.Parent.Tell(failure is null ? new Page(_request, _parcels.OrderBy(p => p.Sequence).ToArray(), null) : new Page(_request, [], failure));
}
