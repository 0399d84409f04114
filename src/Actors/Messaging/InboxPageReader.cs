using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.Persistence;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// Completes a page of the inbox whose older arrivals no longer hold their sealed bytes in memory: reads them back from the
/// inbox's journal (a range of events, as recovery does), answers the asker with the whole page, then stops.
/// </summary>
public sealed class InboxPageReader : ReceiveActor
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public InboxPageReader(IActorRef journal, string persistenceId, InboxQueries.Page page, long fromJournal, long toJournal, IActorRef replyTo)
    {
        var wanted = page.Items.Where(i => i.Sealed.IsEmpty).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, ReadOnlyMemory<byte>>(wanted.Count, StringComparer.Ordinal);

        Receive<ReplayedMessage>(m =>
        {
            var arrivals = m.Persistent.Payload switch
            {
                InboxEvents.ReceivedBatch batch => batch.Arrivals,
                InboxEvents.Received single => [single],
                _ => []
            };
            foreach (var arrival in arrivals)
                if (wanted.Contains(arrival.Id))
                    found[arrival.Id] = arrival.Sealed;
        });
        Receive<RecoverySuccess>(_ =>
        {
            if (found.Count < wanted.Count)
                Finish(replyTo, new Status.Failure(new InvalidOperationException(
                    $"{wanted.Count - found.Count} of the page's envelopes are not in journal events {fromJournal}–{toJournal} of {persistenceId}")));
            else
                Finish(replyTo, page with { Items = page.Items.Select(i => i.Sealed.IsEmpty ? i with { Sealed = found[i.Id] } : i).ToArray() });
        });
        Receive<ReplayMessagesFailure>(f => Finish(replyTo, new Status.Failure(f.Cause)));
        Receive<ReceiveTimeout>(_ => Finish(replyTo, new Status.Failure(new TimeoutException($"the journal did not answer within {Bound.TotalSeconds:0} s"))));

        Context.SetReceiveTimeout(Bound);
        journal.Tell(new ReplayMessages(fromJournal, toJournal, toJournal - fromJournal + 1, persistenceId, Self));
    }

    public static Props Props(IActorRef journal, string persistenceId, InboxQueries.Page page, long fromJournal, long toJournal, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new InboxPageReader(journal, persistenceId, page, fromJournal, toJournal, replyTo));

    private void Finish(IActorRef replyTo, object answer)
    {
        replyTo.Tell(answer);
        Context.Stop(Self);
    }
}
