using Akka.Actor;
using Akka.Persistence;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Reads a range of a persistent actor's journal events as recovery does (ReplayMessages), which every journal plugin
/// answers (SQL on SQLite and PostgreSQL, and the in-memory one of the tests) with one indexed range query, without a read
/// journal to configure; hands each event to <see cref="Replayed"/>, then <see cref="Finished"/> once, then stops.
/// </summary>
public abstract class JournalRangeReader : ReceiveActor
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    protected JournalRangeReader(IActorRef journal, string persistenceId, long fromJournal, long toJournal)
    {
        Receive<ReplayedMessage>(m =>
        {
            SequenceNr = m.Persistent.SequenceNr;
            Replayed(m.Persistent.Payload);
        });
        Receive<RecoverySuccess>(_ => Finish(null));
        Receive<ReplayMessagesFailure>(f => Finish(f.Cause.Message));
        Receive<ReceiveTimeout>(_ => Finish($"the journal did not answer within {Bound.TotalSeconds:0} s"));

        Context.SetReceiveTimeout(Bound);
        journal.Tell(new ReplayMessages(fromJournal, toJournal, toJournal - fromJournal + 1, persistenceId, Self));
    }

    /// <summary>The sequence number of the event being handed to <see cref="Replayed"/>.</summary>
    protected long SequenceNr { get; private set; }

    protected abstract void Replayed(object @event);

    /// <param name="failure">Why the journal did not give the whole range; null when it did.</param>
    protected abstract void Finished(string? failure);

    private void Finish(string? failure)
    {
        Finished(failure);
        Context.Stop(Self);
    }
}
