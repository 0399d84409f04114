using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Persistence;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Reads one page of a recipient's envelopes back from the outbox's journal and hands it to the outbox, then stops.
/// It asks the journal for a range of events as recovery does (ReplayMessages), which every journal plugin answers
/// (SQL on SQLite and PostgreSQL, and the in-memory one of the tests) with one indexed range query, without a read
/// journal to configure.
/// </summary>
public sealed class JournalPageReader : ReceiveActor
{
    /// <summary>Sequences <paramref name="FromSequence"/> to <paramref name="ToSequence"/> towards <paramref name="Recipient"/>, found between journal events <paramref name="FromJournal"/> and <paramref name="ToJournal"/>.</summary>
    public sealed record Request(BureauCode Recipient, long FromSequence, long ToSequence, long FromJournal, long ToJournal) : INoSerializationVerificationNeeded;

    /// <summary>The parcels found, in sequence order; fewer than asked for when the journal did not have them all.</summary>
    public sealed record Page(Request Request, IReadOnlyList<Parcel> Parcels, string? Failure) : INoSerializationVerificationNeeded;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public JournalPageReader(IActorRef journal, string persistenceId, Request request)
    {
        var parcels = new List<Parcel>((int)Math.Min(request.ToSequence - request.FromSequence + 1, 10_000));
        var outbox = Context.Parent;

        Receive<ReplayedMessage>(m =>
        {
            if (m.Persistent.Payload is not OutboxEvents.Posted posted)
                return;
            for (var i = 0; i < posted.To.Count; i++)
                if (posted.To[i].Equals(request.Recipient) && posted.Sequences[i] >= request.FromSequence && posted.Sequences[i] <= request.ToSequence)
                    parcels.Add(new Parcel(posted.Sequences[i], posted.Id, posted.Sealed));
        });
        Receive<RecoverySuccess>(_ => Finish(outbox, new Page(request, parcels.OrderBy(p => p.Sequence).ToArray(), null)));
        Receive<ReplayMessagesFailure>(f => Finish(outbox, new Page(request, [], f.Cause.Message)));
        Receive<ReceiveTimeout>(_ => Finish(outbox, new Page(request, [], $"the journal did not answer within {Bound.TotalSeconds:0} s")));

        Context.SetReceiveTimeout(Bound);
        journal.Tell(new ReplayMessages(request.FromJournal, request.ToJournal, request.ToJournal - request.FromJournal + 1, persistenceId, Self));
    }

    public static Props Props(IActorRef journal, string persistenceId, Request request) =>
        Akka.Actor.Props.Create(() => new JournalPageReader(journal, persistenceId, request));

    private void Finish(IActorRef outbox, Page page)
    {
        outbox.Tell(page);
        Context.Stop(Self);
    }
}
