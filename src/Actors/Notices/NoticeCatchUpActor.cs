using ActorNet.Protocol;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorNet.Actors.Notices;

/// <summary>
/// Gives a bureau approved after notices were published (by an operator, or at auto-enrol) every notice published and not
/// closed that it is not restricted from: each Notice actor concerned sends it on, and later changes follow as usual. Watches
/// which bureaus this GS node trusts keys of (approved ones); for the new ones, reads the journal's <see cref="NoticeActor.SendTag"/>
/// events once to find the open notices they are not among the recipients of, and persists the bureaus once all those are sent.
/// A singleton on the <c>secretariat</c> role.
/// </summary>
public sealed class NoticeCatchUpActor : ReceivePersistentActor, IWithTimers
{
    public const string Name = "notice-catch-up";
    private const int InFlight = 64;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(15);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PublicKeyDirectory _directory;
    private readonly IActorRef _notices;
    private readonly HashSet<BureauCode> _caughtUp = [];
    private Run? _run;

    /// <summary>Bringing <see cref="Bureaus"/> up to date: the notices still to extend to them, and those asked and not answered yet.</summary>
    private sealed class Run(IReadOnlyList<BureauCode> bureaus)
    {
        public IReadOnlyList<BureauCode> Bureaus { get; } = bureaus;
        public Queue<(NoticeId Notice, IReadOnlyList<BureauCode> Missing)>? Queue { get; set; }
        public Dictionary<NoticeId, (IReadOnlyList<BureauCode> Missing, DateTimeOffset AskedAt)> Asked { get; } = new();
        public int Answered { get; set; }
    }

    private sealed record OpenNotices(IReadOnlyList<(NoticeId Notice, IReadOnlyList<BureauCode> Missing)> Notices) : INoSerializationVerificationNeeded;

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }

    /// <param name="directory">The keys this GS node trusts: those of approved bureaus.</param>
    /// <param name="notices">The Notice actors' shard region.</param>
    public NoticeCatchUpActor(PublicKeyDirectory directory, IActorRef notices)
    {
        _directory = directory;
        _notices = notices;

        Recover<NoticeCatchUpEvents.CaughtUp>(e => _caughtUp.UnionWith(e.Bureaus));
        Recover<RecoveryCompleted>(_ => Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromSeconds(1), Interval));

        Command<Tick>(_ => OnTick());
        Command<OpenNotices>(OnOpenNotices);
        Command<NoticeCommands.Done>(d => Answered(d.NoticeId));
        Command<NoticeCommands.Refused>(r =>
        {
            if (r.Status != 503)
                Answered(r.NoticeId); // gone or closed meanwhile: nothing to send
        });
        Command<Status.Failure>(f =>
        {
            _log.Warning(f.Cause, "Notice catch-up could not read the journal; retrying in {Interval}", Interval);
            _run = null;
        });
    }

    public override string PersistenceId => Name;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PublicKeyDirectory directory, IActorRef notices) => Akka.Actor.Props.Create(() => new NoticeCatchUpActor(directory, notices));

    private void OnTick()
    {
        if (_run is null)
        {
            var fresh = _directory.Bureaus.Where(b => !b.IsSecretariat && !_caughtUp.Contains(b)).ToArray();
            if (fresh.Length > 0)
                Start(fresh);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        foreach (var (notice, (missing, askedAt)) in _run.Asked.Where(a => now - a.Value.AskedAt > ResendAfter).ToList())
            Ask(notice, missing, now);
    }

    private void Start(IReadOnlyList<BureauCode> bureaus)
    {
        _run = new Run(bureaus);
        var fresh = bureaus.ToHashSet();
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        journal.CurrentEventsByTag(NoticeActor.SendTag, Offset.NoOffset())
            .RunAggregate(new Dictionary<string, (bool Open, HashSet<BureauCode> Reached)>(StringComparer.Ordinal), (notices, e) =>
            {
                var (open, reached) = notices.GetValueOrDefault(e.PersistenceId, (false, []));
                switch (e.Event)
                {
                    case NoticeEvents.Approved:
                        open = true;
                        break;
                    case NoticeEvents.Published published:
                        reached.UnionWith(published.Recipients);
                        break;
                    case NoticeEvents.Rejected or NoticeEvents.Cancelled or NoticeEvents.Withdrawn:
                        open = false;
                        break;
                }
                notices[e.PersistenceId] = (open, reached);
                return notices;
            }, Context.System.Materializer())
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? new OpenNotices(t.Result
                    .Where(kv => kv.Value.Open && NoticeId.TryParse(kv.Key["notice-".Length..], out _))
                    .Select(kv => (new NoticeId(kv.Key["notice-".Length..]), (IReadOnlyList<BureauCode>)fresh.Except(kv.Value.Reached).ToArray()))
                    .Where(n => n.Item2.Count > 0)
                    .ToArray())
                : (object)new Status.Failure(t.Exception?.GetBaseException() ?? new InvalidOperationException("the journal query failed")))
            .PipeTo(Self);
    }

    private void OnOpenNotices(OpenNotices open)
    {
        if (_run is null)
            return;
        _log.Info("Notice catch-up: {Bureaus} approved since the last catch-up; {Count} published notices to send them", string.Join(",", _run.Bureaus), open.Notices.Count);
        _run.Queue = new Queue<(NoticeId, IReadOnlyList<BureauCode>)>(open.Notices);
        AskMore();
    }

    private void Ask(NoticeId notice, IReadOnlyList<BureauCode> missing, DateTimeOffset now)
    {
        _run!.Asked[notice] = (missing, now);
        _notices.Tell(new NoticeCommands.Extend(notice, missing));
    }

    private void AskMore()
    {
        var now = DateTimeOffset.UtcNow;
        while (_run!.Asked.Count < InFlight && _run.Queue!.TryDequeue(out var next))
            Ask(next.Notice, next.Missing, now);
        if (_run.Asked.Count > 0)
            return;
        var run = _run;
        Persist(new NoticeCatchUpEvents.CaughtUp(run.Bureaus, DateTimeOffset.UtcNow), e =>
        {
            _caughtUp.UnionWith(e.Bureaus);
            _run = null;
            _log.Info("Notice catch-up: every published notice {Bureaus} may see is on its way to them ({Count} notices asked)", string.Join(",", e.Bureaus), run.Answered);
            Self.Tell(Tick.Instance);
        });
    }

    private void Answered(NoticeId notice)
    {
        if (_run?.Queue is null || !_run.Asked.Remove(notice))
            return;
        _run.Answered++;
        AskMore();
    }
}
