using ActorNet.Protocol.Notices;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorNet.Actors.Notices;

/// <summary>
/// Wakes, when the Secretariat starts (or its singleton moves to another GS node), every Notice actor that persisted a change
/// (an approval, a rejection, an update, a cancellation) but stopped before handing it to GS's outbox: Notice actors are started
/// only when asked something, and an idle one would otherwise never finish its publication. Reads the journal's
/// <see cref="NoticeActor.SendTag"/> events once; a singleton on the <c>secretariat</c> role.
/// </summary>
public sealed class NoticeResumerActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private sealed record Unsent(IReadOnlyList<NoticeId> Notices);

    public NoticeResumerActor(IActorRef notices)
    {
        Receive<Unsent>(unsent =>
        {
            foreach (var id in unsent.Notices)
                notices.Tell(new NoticeQueries.Get(id));
            _log.Info("Notice resumer: {Count} notices had a change left unsent; woken to send it", unsent.Notices.Count);
        });
        Receive<Status.Failure>(f => _log.Warning(f.Cause, "Notice resumer could not read the journal: changes left unsent wait until their notice is next used"));
        ReceiveAny(_ => { }); // the woken notices' answers
    }

    public static Props Props(IActorRef notices) => Akka.Actor.Props.Create(() => new NoticeResumerActor(notices));

    protected override void PreStart()
    {
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        journal.CurrentEventsByTag(NoticeActor.SendTag, Offset.NoOffset())
            .RunAggregate(new Dictionary<string, bool>(StringComparer.Ordinal), (pending, e) =>
            {
                pending[e.PersistenceId] = e.Event is not (NoticeEvents.Published or NoticeEvents.Notified);
                return pending;
            }, Context.System.Materializer())
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? new Unsent(t.Result.Where(kv => kv.Value && NoticeId.TryParse(kv.Key["notice-".Length..], out _))
                    .Select(kv => new NoticeId(kv.Key["notice-".Length..])).ToArray())
                : (object)new Status.Failure(t.Exception?.GetBaseException() ?? new InvalidOperationException("the journal query failed")))
            .PipeTo(Self);
    }
}
