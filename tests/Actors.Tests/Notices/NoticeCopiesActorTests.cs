using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Actors.Notices;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.PublicExtract;
using ActorNet.Protocol.Notices.Search;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Notices;

/// <summary>A bureau's notice copies: who may say what about a notice, what the bureau lists, and a closed notice staying closed.</summary>
public sealed class NoticeCopiesActorTests : TestKit, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly BureauCode FR = new("FR"), US = new("US"), DE = new("DE");
    private readonly NoticeKeys _keys = new(FR, US, DE);

    public NoticeCopiesActorTests() : base("akka.loglevel = WARNING") { }

    private InboxEvents.Received Sealed(BureauCode from, NoticeDocument document, params BureauCode[] to) => _keys.Seal(from, document, to);

    private static NoticeDocument Document(NoticeId id, string operation, string state, string name = "Mohammed Al-Hassan", string? reason = null)
    {
        var content = operation == NoticeDocument.StateChange ? null : new NoticeContent(NoticeType.Red,
            SubjectParticulars.None with { Name = name, Nationalities = ["DZ"] }, "robbery", new Warrant("court", new DateOnly(2026, 1, 1), "robbery"), null, null, []);
        return new NoticeDocument(operation, id, NoticeKinds.Notice, FR, state, reason, content, [], false, [], [], DateTimeOffset.UtcNow);
    }

    private async Task<IReadOnlyList<NoticeCopyQueries.Entry>> ListAsync(IActorRef copies, string? q = null, string? nationality = null) =>
        (await copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.List(US, null, null, q, nationality, 100), Bound)).Entries;

    [Fact]
    public async Task Keeps_what_GS_publishes_refuses_what_others_claim_and_stays_cancelled()
    {
        var copies = Sys.ActorOf(NoticeCopiesActor.Props(US, () => _keys[US].Opener));
        var id = NoticeId.New();

        // FR cannot publish: only GS does.
        copies.Tell(Sealed(FR, Document(id, NoticeDocument.Publish, NoticeStates.Published), US));
        copies.Tell(Sealed(BureauCode.Secretariat, Document(id, NoticeDocument.Publish, NoticeStates.Published), BureauCode.Secretariat, US));
        await AwaitConditionAsync(async () => (await ListAsync(copies)).Count == 1, Bound);
        var entry = Assert.Single(await ListAsync(copies, q: "muhammad alhassan", nationality: "DZ"));
        Assert.Equal((NoticeStates.Published, FR), (entry.State, entry.RequestedBy));
        Assert.Empty(await ListAsync(copies, nationality: "FR"));

        // The requesting bureau cancels; a publication that arrives later does not bring the notice back.
        copies.Tell(Sealed(FR, Document(id, NoticeDocument.StateChange, NoticeStates.Cancelled, reason: "arrested"), BureauCode.Secretariat, US));
        copies.Tell(Sealed(BureauCode.Secretariat, Document(id, NoticeDocument.Update, NoticeStates.Published, name: "Mohamed Al Hassan"), BureauCode.Secretariat, US));
        await AwaitConditionAsync(async () => (await copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Get(US, id), Bound)).Entries
            is [{ State: NoticeStates.Cancelled, Reason: "arrested" }], Bound);
        Assert.Single(await ListAsync(copies, q: "mohamed"));
    }

    [Fact]
    public async Task A_withdrawn_diffusion_is_no_longer_listed_and_a_document_for_others_is_not_kept()
    {
        var copies = Sys.ActorOf(NoticeCopiesActor.Props(US, () => _keys[US].Opener));
        var id = NoticeId.New();
        var diffusion = Document(id, NoticeDocument.Diffusion, NoticeStates.Circulated) with { Kind = NoticeKinds.Diffusion, To = [US] };
        copies.Tell(Sealed(FR, diffusion, BureauCode.Secretariat, US, FR));
        await AwaitConditionAsync(async () => (await ListAsync(copies)).Count == 1, Bound);

        copies.Tell(Sealed(BureauCode.Secretariat, Document(id, NoticeDocument.StateChange, NoticeStates.Withdrawn) with { Kind = NoticeKinds.Diffusion }, US, FR));
        await AwaitConditionAsync(async () => (await ListAsync(copies)).Count == 0, Bound);
        Assert.True((await copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Get(US, id), Bound)).Withdrawn);
        Assert.Empty(await ListAsync(copies, q: "hassan"));

        // Sealed for DE only: US cannot open it, and keeps nothing.
        copies.Tell(Sealed(BureauCode.Secretariat, Document(NoticeId.New(), NoticeDocument.Publish, NoticeStates.Published), DE));
        Assert.Empty(await ListAsync(copies));
    }

    [Fact]
    public async Task Tells_the_inbox_that_handed_a_document_over_once_it_is_kept_or_refused_for_good()
    {
        var copies = Sys.ActorOf(NoticeCopiesActor.Props(US, () => _keys[US].Opener));
        var inbox = CreateTestProbe();
        var id = NoticeId.New();

        var publication = Sealed(BureauCode.Secretariat, Document(id, NoticeDocument.Publish, NoticeStates.Published), BureauCode.Secretariat, US);
        copies.Tell(publication, inbox);
        Assert.Equal(publication.Id, (await inbox.ExpectMsgAsync<NoticeHandOver.Taken>(Bound)).EnvelopeId);
        Assert.Single(await ListAsync(copies));

        // Handed over again (the inbox restarted before it heard back): kept once, taken again.
        copies.Tell(publication, inbox);
        Assert.Equal(publication.Id, (await inbox.ExpectMsgAsync<NoticeHandOver.Taken>(Bound)).EnvelopeId);

        // Refused for good (FR cannot publish): taken too, so the inbox does not hand it over for ever.
        var forged = Sealed(FR, Document(NoticeId.New(), NoticeDocument.Publish, NoticeStates.Published), US);
        copies.Tell(forged, inbox);
        Assert.Equal(forged.Id, (await inbox.ExpectMsgAsync<NoticeHandOver.Taken>(Bound)).EnvelopeId);
        Assert.Single(await ListAsync(copies));
    }

    [Fact]
    public async Task Searches_by_transliterated_name_and_partial_date_of_birth_and_finds_public_notices_by_entity_id()
    {
        var copies = Sys.ActorOf(NoticeCopiesActor.Props(US, () => _keys[US].Opener));
        var (open, closed) = (NoticeId.New(), NoticeId.New());
        NoticeDocument Published(NoticeId id, bool isPublic) => Document(id, NoticeDocument.Publish, NoticeStates.Published) with
        {
            Public = isPublic,
            Content = Document(id, NoticeDocument.Publish, NoticeStates.Published).Content! with
            {
                Subject = SubjectParticulars.None with { Forename = "Mohammed", Name = "Al-Hassan", DateOfBirth = new PartialDate(1980, 4, 2), Nationalities = ["SY"] },
            },
        };
        copies.Tell(Sealed(BureauCode.Secretariat, Published(open, isPublic: true), US));
        copies.Tell(Sealed(BureauCode.Secretariat, Published(closed, isPublic: false), US));
        await AwaitConditionAsync(async () => (await ListAsync(copies)).Count == 2, Bound);

        async Task<NoticeCopyQueries.Found> SearchAsync(NoticeSearchQuery query) =>
            await copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Search(US, query), Bound);
        var born1980s04 = PartialDate.ParseQuery("1980/04");
        Assert.Equal(2, (await SearchAsync(new() { Text = "muhammad alhassan", BornFrom = born1980s04.Earliest, BornTo = born1980s04.Latest })).Total);
        Assert.Equal(0, (await SearchAsync(new() { Text = "muhammad alhassan", BornFrom = new DateOnly(1981, 1, 1) })).Total);
        var onlyPublic = await SearchAsync(new() { Name = "al hassan", IsPublic = true, State = NoticeStates.Published });
        Assert.Equal(open, Assert.Single(onlyPublic.Entries).NoticeId);

        var found = await copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.GetPublic(US, PublicEntityId.For(open)), Bound);
        Assert.Equal(open, Assert.Single(found.Entries).NoticeId);
        Assert.Empty((await copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.GetPublic(US, PublicEntityId.For(closed)), Bound)).Entries);
    }

    [Fact]
    public async Task Keeps_a_summary_in_memory_once_opened_and_reads_a_notice_asked_for_by_id_back_from_its_journal_also_after_a_restart()
    {
        var id = NoticeId.New();
        async Task<NoticeCopyQueries.Entry> GetAsync(IActorRef copies) =>
            Assert.Single((await copies.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Get(US, id), Bound)).Entries);
        void AssertOpensToTheNotice(NoticeCopyQueries.Entry entry) =>
            Assert.Equal(id, NoticeSealing.Open(_keys[US].Opener, entry.Sealed)!.Document.NoticeId);

        var copies = Sys.ActorOf(NoticeCopiesActor.Props(US, () => _keys[US].Opener), "copies-1");
        copies.Tell(Sealed(BureauCode.Secretariat, Document(id, NoticeDocument.Publish, NoticeStates.Published), BureauCode.Secretariat, US));
        await AwaitConditionAsync(async () => (await ListAsync(copies)).Count == 1, Bound);

        // A list carries the summary, not the sealed publication (a wrapped key per recipient: ~15 KB with 195 bureaus).
        var listed = Assert.Single(await ListAsync(copies, q: "muhammad alhassan"));
        Assert.True(listed.Sealed.IsEmpty);
        Assert.Equal("Mohammed Al-Hassan", listed.Summary!.Name);
        Assert.Equal(["DZ"], listed.Summary.Nationalities);
        AssertOpensToTheNotice(await GetAsync(copies));

        // A cancelled one keeps its reason across the restart.
        var cancelled = NoticeId.New();
        copies.Tell(Sealed(BureauCode.Secretariat, Document(cancelled, NoticeDocument.Publish, NoticeStates.Published), BureauCode.Secretariat, US));
        copies.Tell(Sealed(FR, Document(cancelled, NoticeDocument.StateChange, NoticeStates.Cancelled, reason: "arrested"), BureauCode.Secretariat, US));
        await AwaitConditionAsync(async () => (await ListAsync(copies)).Count(e => e.State == NoticeStates.Cancelled) == 1, Bound);

        // After a restart the copies open their content again in the background, drop it, and still answer by id.
        await copies.GracefulStop(Bound);
        var again = Sys.ActorOf(NoticeCopiesActor.Props(US, () => _keys[US].Opener), "copies-2");
        await AwaitConditionAsync(async () => (await ListAsync(again, q: "muhammad alhassan")).Count(e => e is { Summary: not null, Sealed.IsEmpty: true }) == 2, Bound);
        AssertOpensToTheNotice(await GetAsync(again));
        var closed = Assert.Single((await again.Ask<NoticeCopyQueries.Found>(new NoticeCopyQueries.Get(US, cancelled), Bound)).Entries);
        Assert.Equal((NoticeStates.Cancelled, "arrested"), (closed.State, closed.Reason));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _keys.Dispose();
    }
}
