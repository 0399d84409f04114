using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Notices;
using ActorNet.Actors.Tests.Persistence;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorNet.Actors.Tests.Notices;

/// <summary>
/// The Secretariat's Notice actor on the real SQLite journal: request, compliance check, review, publication through the outbox,
/// cancellation, and a restart between approval and publication. The outbox is a stand-in that records what it is given.
/// </summary>
public sealed class NoticeActorTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE");
    private readonly NoticeKeys _crypto = new(FR, US, DE);
    private TestDatabase _database = null!;
    private IHost _host = null!;
    private Akka.TestKit.Xunit2.TestKit _kit = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("sqlite");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("actornet-notice-test", akka => akka.WithActorNetSerialization().WithActorNetPersistence(_database.Storage));
        _host = builder.Build();
        await _host.StartAsync();
        _kit = new Akka.TestKit.Xunit2.TestKit(_host.Services.GetRequiredService<ActorSystem>());
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _database.DisposeAsync();
        _crypto.Dispose();
    }

    /// <summary>Stands in for GS's outbox: records each post and, while answering, says it has persisted it.</summary>
    private sealed class Outbox : ReceiveActor
    {
        public Outbox(IActorRef record, bool answer)
        {
            Receive<OutboxCommands.Post>(post =>
            {
                record.Forward(post);
                if (answer)
                    Sender.Tell(new OutboxCommands.Posted(post.Id));
            });
        }
    }

    private IActorRef Notice(NoticeId id, IActorRef outbox, IActorRef copies, string name) =>
        _kit.Sys.ActorOf(NoticeActor.Props(id, _crypto[BureauCode.Secretariat], () => outbox, () => copies, ActorRefs.Nobody), name);

    private IActorRef OutboxFor(TestProbe record, bool answer = true) => _kit.Sys.ActorOf(Props.Create(() => new Outbox(record.Ref, answer)));

    /// <summary>A request as a bureau's API seals it: for GS and for the bureau itself (and a diffusion's recipients).</summary>
    private InboxEvents.Received Sealed(BureauCode from, NoticeDocument document, params BureauCode[] readers) =>
        _crypto.Seal(from, document, [BureauCode.Secretariat, .. readers.Where(r => r != from), from]);

    private static NoticeDocument Request(NoticeId id, string offence = "armed robbery", string[]? restrictedFrom = null, string[]? to = null)
    {
        var (notice, problems) = NoticeValidator.Validate(
            new NoticeRequest("red", new NoticeSubjectBody("Zyxwvut", "Jean", DateOfBirth: "1980", Sex: "M", Nationalities: ["FR"], Description: "tall"),
                offence, new WarrantBody("Tribunal de Paris", "2026-01-15", offence), RestrictedFrom: restrictedFrom ?? ["DE"], To: to),
            DateOnly.FromDateTime(DateTime.UtcNow), diffusion: to is not null);
        Assert.Empty(problems);
        return new NoticeDocument(to is null ? NoticeDocument.Request : NoticeDocument.Diffusion, id, to is null ? NoticeKinds.Notice : NoticeKinds.Diffusion,
            FR, to is null ? NoticeStates.PendingReview : NoticeStates.Circulated, null, notice!.Content, notice.RestrictedFrom, false, notice.To, [], DateTimeOffset.UtcNow);
    }

    private async Task<NoticeQueries.Record> RecordOf(IActorRef notice) => await notice.Ask<NoticeQueries.Record>(new NoticeQueries.Get(new NoticeId("x")), Bound);

    private async Task StopAsync(IActorRef actor)
    {
        var watcher = _kit.CreateTestProbe();
        watcher.Watch(actor);
        actor.Tell(PoisonPill.Instance);
        await watcher.ExpectTerminatedAsync(actor, Bound);
    }

    [Fact]
    public async Task Request_is_checked_approved_published_to_all_but_the_restricted_and_cancelled_across_a_restart()
    {
        var id = NoticeId.New();
        var posts = _kit.CreateTestProbe();
        var copies = _kit.CreateTestProbe();
        var notice = Notice(id, OutboxFor(posts), copies.Ref, "notice-a");

        var request = Sealed(FR, Request(id, offence: "organising a political demonstration"), FR);
        notice.Tell(request, ActorRefs.NoSender);
        notice.Tell(request, ActorRefs.NoSender); // a redelivery is kept once
        Assert.Equal(request.Id, (await copies.ExpectMsgAsync<InboxEvents.Received>(Bound)).Id);
        var pending = await RecordOf(notice);
        Assert.Equal(NoticeStates.PendingReview, pending.State);
        Assert.Contains(pending.Findings, f => f.Code == ComplianceFinding.Article3);
        Assert.Equal(new[] { "requested", "compliance-checked" }, pending.History.Select(s => s.What));

        var done = await notice.Ask<NoticeCommands.Done>(new NoticeCommands.Review(id, true, "reviewer-1", "checked with FR"), Bound);
        Assert.Equal(NoticeStates.Published, done.State);
        var publication = await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound);
        Assert.Equal(BureauCode.Secretariat, publication.From);
        Assert.Equal(new[] { FR, US }, publication.To.Order());
        var envelope = SealedEnvelope.FromBytes(publication.Sealed);
        Assert.DoesNotContain(DE, envelope.Header.To);
        Assert.Equal(NoticeDocument.Publish, NoticeSealing.Open(_crypto[US].Opener, publication.Sealed)!.Document.Operation);
        Assert.Null(NoticeSealing.Open(_crypto[DE].Opener, publication.Sealed));
        Assert.Equal(publication.Id, (await copies.ExpectMsgAsync<InboxEvents.Received>(Bound)).Id);

        // Stopped (passivated, or its GS node gone) and started again: it recovers from the journal.
        await StopAsync(notice);
        notice = Notice(id, OutboxFor(posts), copies.Ref, "notice-a2");
        var refused = await notice.Ask<NoticeCommands.Refused>(new NoticeCommands.Review(id, false, "reviewer-2", "second thoughts"), Bound);
        Assert.Equal(409, refused.Status);

        Assert.Equal(NoticeStates.Cancelled, (await notice.Ask<NoticeCommands.Done>(new NoticeCommands.Cancel(id, "GS", "subject arrested"), Bound)).State);
        var cancellation = await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound);
        Assert.Equal(new[] { FR, US }, cancellation.To.Order());
        var opened = NoticeSealing.Open(_crypto[US].Opener, cancellation.Sealed)!.Document;
        Assert.Equal((NoticeDocument.StateChange, NoticeStates.Cancelled, "subject arrested"), (opened.Operation, opened.State, opened.Reason));
        Assert.Null(opened.Content);
        var record = await RecordOf(notice);
        Assert.Equal(new[] { "requested", "compliance-checked", "approved", "published", "cancelled", "notified" }, record.History.Select(s => s.What));
        Assert.Equal(409, (await notice.Ask<NoticeCommands.Refused>(new NoticeCommands.Cancel(id, "GS", "again"), Bound)).Status);
    }

    [Fact]
    public async Task Publication_interrupted_after_approval_completes_on_restart_under_the_same_envelope_id()
    {
        var id = NoticeId.New();
        var posts = _kit.CreateTestProbe();
        var copies = _kit.CreateTestProbe();
        var notice = Notice(id, OutboxFor(posts, answer: false), copies.Ref, "notice-b");
        notice.Tell(Sealed(FR, Request(id), FR), ActorRefs.NoSender);
        await copies.ExpectMsgAsync<InboxEvents.Received>(Bound);

        notice.Tell(new NoticeCommands.Review(id, true, "reviewer-1", "fine"), ActorRefs.NoSender);
        var first = await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound);
        await StopAsync(notice); // the outbox never said it persisted the publication

        // On a Secretariat start the resumer finds the notice whose approval was never sent, and wakes it.
        var region = _kit.CreateTestProbe();
        _kit.Sys.ActorOf(NoticeResumerActor.Props(region.Ref));
        await region.FishForMessageAsync<NoticeQueries.Get>(g => g.NoticeId == id, Bound);

        notice = Notice(id, OutboxFor(posts), copies.Ref, "notice-b2");
        var again = await posts.FishForMessageAsync<OutboxCommands.Post>(p => p.Id == first.Id, Bound);
        Assert.Equal(first.To, again.To);
        await _kit.AwaitConditionAsync(async () => (await RecordOf(notice)).State == NoticeStates.Published, Bound);

        // Once published, nothing is left to wake.
        var later = _kit.CreateTestProbe();
        _kit.Sys.ActorOf(NoticeResumerActor.Props(later.Ref));
        await later.ExpectNoMsgAsync(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_rejected_notice_tells_its_requester_and_a_rejected_diffusion_is_withdrawn_from_its_recipients()
    {
        var posts = _kit.CreateTestProbe();
        var copies = _kit.CreateTestProbe();

        var noticeId = NoticeId.New();
        var notice = Notice(noticeId, OutboxFor(posts), copies.Ref, "notice-c");
        notice.Tell(Sealed(FR, Request(noticeId), FR), ActorRefs.NoSender);
        Assert.Equal(NoticeStates.Rejected,
            (await notice.Ask<NoticeCommands.Done>(new NoticeCommands.Review(noticeId, false, "reviewer-1", "Article 3"), Bound)).State);
        var rejection = await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound);
        Assert.Equal(new[] { FR }, rejection.To);
        Assert.Equal(NoticeStates.Rejected, NoticeSealing.Open(_crypto[FR].Opener, rejection.Sealed)!.Document.State);

        var diffusionId = NoticeId.New();
        var diffusion = Notice(diffusionId, OutboxFor(posts), copies.Ref, "diffusion-c");
        diffusion.Tell(Sealed(FR, Request(diffusionId, restrictedFrom: [], to: ["US"]), FR, US), ActorRefs.NoSender);
        await _kit.AwaitConditionAsync(async () => (await RecordOf(diffusion)).State == NoticeStates.Circulated, Bound);
        Assert.Equal(NoticeStates.Withdrawn,
            (await diffusion.Ask<NoticeCommands.Done>(new NoticeCommands.Review(diffusionId, false, "reviewer-1", "not a police matter"), Bound)).State);
        var withdrawal = await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound);
        Assert.Equal(new[] { FR, US }, withdrawal.To.Order());
        Assert.Equal(NoticeStates.Withdrawn, NoticeSealing.Open(_crypto[US].Opener, withdrawal.Sealed)!.Document.State);
    }

    [Fact]
    public async Task Review_of_an_unknown_notice_is_refused_as_not_found()
    {
        var id = NoticeId.New();
        var notice = Notice(id, OutboxFor(_kit.CreateTestProbe()), _kit.CreateTestProbe().Ref, "notice-d");

        Assert.Equal(404, (await notice.Ask<NoticeCommands.Refused>(new NoticeCommands.Review(id, true, "r", "ok"), Bound)).Status);
        Assert.Equal(404, (await notice.Ask<NoticeCommands.Refused>(new NoticeQueries.Get(id), Bound)).Status);
    }

    [Fact]
    public async Task A_bureau_approved_after_the_publication_is_sent_the_notice_once_and_the_catch_up_asks_for_it()
    {
        var id = NoticeId.New();
        var posts = _kit.CreateTestProbe();
        var notice = Notice(id, OutboxFor(posts), _kit.CreateTestProbe().Ref, "notice-e");
        notice.Tell(Sealed(FR, Request(id), FR), ActorRefs.NoSender);
        await notice.Ask<NoticeCommands.Done>(new NoticeCommands.Review(id, true, "reviewer-1", "fine"), Bound);
        Assert.Equal(new[] { FR, US }, (await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound)).To.Order());

        // IT is approved after the publication: GS's node learns its keys only now.
        var IT = new BureauCode("IT");
        var itFolder = Path.Combine(Path.GetTempPath(), "actornet-notice-keys-it-" + Guid.NewGuid().ToString("N")[..8]);
        var it = BureauCrypto.LoadOrCreate(IT, itFolder);
        var gs = _crypto[BureauCode.Secretariat];
        Assert.Equal(503, (await notice.Ask<NoticeCommands.Refused>(new NoticeCommands.Extend(id, [IT]), Bound)).Status);
        gs.Directory.Add(it.PublicKeys);
        it.Directory.Add(gs.PublicKeys);
        System.IO.Directory.Delete(itFolder, recursive: true);

        // The catch-up finds the open notice IT is not among the recipients of, and asks its Notice actor to extend it.
        var region = _kit.CreateTestProbe();
        var catchUp = _kit.Sys.ActorOf(NoticeCatchUpActor.Props(gs.Directory, region.Ref));
        var extend = await region.FishForMessageAsync<NoticeCommands.Extend>(e => e.NoticeId == id, Bound);
        Assert.Contains(IT, extend.Bureaus);
        Assert.DoesNotContain(US, extend.Bureaus);

        notice.Tell(extend, region.Ref);
        Assert.Equal(NoticeStates.Published, (await region.ExpectMsgAsync<NoticeCommands.Done>(Bound)).State);
        var extension = await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound);
        Assert.Equal(new[] { IT }, extension.To); // DE is restricted from it
        var document = NoticeSealing.Open(it.Opener, extension.Sealed)!.Document;
        Assert.Equal((NoticeDocument.Publish, NoticeStates.Published), (document.Operation, document.State));
        Assert.Equal("Zyxwvut", document.Content!.Subject.Name);

        // Asked again (a resend, or the next catch-up): nothing more is sent; a later cancellation reaches IT too.
        catchUp.Tell(new NoticeCommands.Done(id, NoticeStates.Published));
        Assert.Equal(NoticeStates.Published, (await notice.Ask<NoticeCommands.Done>(new NoticeCommands.Extend(id, [IT, US]), Bound)).State);
        await posts.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        await notice.Ask<NoticeCommands.Done>(new NoticeCommands.Cancel(id, "GS", "arrested"), Bound);
        Assert.Equal(new[] { FR, IT, US }, (await posts.ExpectMsgAsync<OutboxCommands.Post>(Bound)).To.Order());
        Assert.Contains((await RecordOf(notice)).History, h => h.What == "extended" && h.Reason!.Contains("IT"));
    }
}
